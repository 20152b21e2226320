package image

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// taint remembers the first verification failure any reader of an image
// saw. Readers fail at the mismatch, but an engine that reads the image
// (Trivy) may log a reader error and carry on; a scan asks the taint at
// the end so nothing is reported from bytes that did not verify.
type taint struct {
	mu  sync.Mutex
	err error
}

// errVerify marks a blob that failed verification, so the scan reports it
// as such rather than as a corrupt layer.
type errVerify struct{ msg string }

func (e *errVerify) Error() string { return e.msg }

func (t *taint) set(err error) error {
	err = &errVerify{err.Error()}
	t.mu.Lock()
	if t.err == nil {
		t.err = err
	}
	t.mu.Unlock()
	return err
}

func (t *taint) get() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// verifiedImage is implemented by images whose readers check every blob;
// Run asks it once all readers are done.
type verifiedImage interface {
	VerifyError() error
}

// verifyReader passes a blob through and fails, rather than ends, when the
// bytes do not hash to the digest that names them or when there are more
// or fewer of them than the descriptor says (size < 0: unknown, as for
// a layer's uncompressed diff id), as containerd's content store does.
// A stream can only be judged at its end, so every consumer must treat
// the error as "nothing read from this blob counts".
type verifyReader struct {
	r    io.Reader
	c    io.Closer
	what string
	want v1.Hash
	size int64
	n    int64
	h    hash.Hash
	t    *taint
	err  error
}

func newVerifyReader(rc io.ReadCloser, what string, want v1.Hash, size int64, t *taint) (*verifyReader, error) {
	if want.Algorithm != "sha256" || len(want.Hex) != 64 {
		rc.Close()
		return nil, t.set(fmt.Errorf("%s: digest %q is not a sha256 digest; refusing a blob that cannot be verified", what, want))
	}
	return &verifyReader{r: rc, c: rc, what: what, want: want, size: size, h: sha256.New(), t: t}, nil
}

func (v *verifyReader) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	if v.size >= 0 && int64(len(p)) > v.size-v.n+1 {
		// Never read far past the declared end: one byte shows the
		// blob is too long.
		p = p[:v.size-v.n+1]
	}
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	if v.size >= 0 && v.n > v.size {
		v.err = v.t.set(fmt.Errorf("%s is larger than its descriptor's size %d: the blob was replaced or the descriptor lies", v.what, v.size))
		return 0, v.err
	}
	if err == io.EOF {
		if v.size >= 0 && v.n != v.size {
			v.err = v.t.set(fmt.Errorf("%s has %d bytes but its descriptor says %d: the blob was truncated or replaced", v.what, v.n, v.size))
			return 0, v.err
		}
		if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want.Hex {
			v.err = v.t.set(fmt.Errorf("%s does not match its digest: expected %s, content hashes to sha256:%s (the blob was replaced after the manifest was written, or the source lies)", v.what, v.want, got))
			return 0, v.err
		}
	}
	if err != nil && err != io.EOF {
		v.err = err
	}
	return n, err
}

func (v *verifyReader) Close() error { return v.c.Close() }

// readVerified reads a whole small blob (a JSON document) and checks it:
// the descriptor's size is held to the budget before anything is read.
func readVerified(rc io.ReadCloser, what string, want v1.Hash, size, budget int64, t *taint) ([]byte, error) {
	defer rc.Close()
	if size < 0 || size > budget {
		return nil, &errLimit{fmt.Sprintf("%s is %d bytes, above the JSON document budget of %d bytes (max-json-bytes); raise it with --max-json-bytes or the config's image.max-json-bytes if the image is legitimate", what, size, budget)}
	}
	vr, err := newVerifyReader(io.NopCloser(rc), what, want, size, t)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(vr)
}
