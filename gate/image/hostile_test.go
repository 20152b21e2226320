package image

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/crank-platform/terraform-provider-crank/gate/image/imagetest"
)

func runErr(t *testing.T, img v1.Image, lim Limits) error {
	t.Helper()
	_, err := Run(context.Background(), img, Options{Limits: lim})
	return err
}

func oneLayer(t *testing.T, tarBytes []byte) v1.Image {
	return imagetest.Build(t, v1.Config{}, nil, imagetest.Step{CreatedBy: "hostile", Layer: imagetest.RawLayer(t, tarBytes)})
}

func TestHostileTarEntries(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []imagetest.File
		want  string
	}{
		{"dotdot", []imagetest.File{{Path: "../../etc/cron.d/evil", Body: "x"}}, `contains a ".." path element`},
		{"dotdot inside", []imagetest.File{{Path: "a/../../b", Body: "x"}}, `contains a ".." path element`},
		{"absolute", []imagetest.File{{Path: "/etc/passwd", Body: "x"}}, "has an absolute path"},
		{"hard link out of the layer", []imagetest.File{{Path: "leak", Type: tar.TypeLink, Link: "../../../etc/shadow"}}, "hard link /leak: target"},
		{"hard link to a missing file", []imagetest.File{{Path: "leak", Type: tar.TypeLink, Link: "host/etc/shadow"}}, "not a file in this image"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := runErr(t, oneLayer(t, imagetest.Tar(t, tc.files...)), Limits{})
			if err == nil || !strings.Contains(err.Error(), "hostile tar") || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "layer 1 (sha256:") {
				t.Errorf("got %v, want a hostile-tar error naming the layer and %q", err, tc.want)
			}
		})
	}
}

func TestHardLinkInsideImageIsFine(t *testing.T) {
	img := oneLayer(t, imagetest.Tar(t, imagetest.File{Path: "usr/bin/su", Mode: 0o4755}, imagetest.File{Path: "usr/bin/su2", Type: tar.TypeLink, Link: "usr/bin/su"}))
	res, err := Run(context.Background(), img, Options{Rules: []*Rule{&CGI2001}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Observations) != 2 {
		t.Errorf("the setuid hard link shares its target's mode: %v", res.Observations)
	}
}

func TestSymlinkLoopEnds(t *testing.T) {
	img := oneLayer(t, imagetest.Tar(t, imagetest.Symlink("bin", "usr/bin"), imagetest.Symlink("usr/bin", "/bin"), imagetest.Symlink("a", "b"), imagetest.Symlink("b", "a")))
	res, err := Run(context.Background(), img, Options{})
	if err != nil {
		t.Fatalf("a symlink loop is not an error for the scan (nothing follows it while reading): %v", err)
	}
	if _, _, err := (&Tree{}).Resolve("/"); err == nil {
		_ = res
	}
	tree := newTree(0, 0)
	for _, l := range [][2]string{{"/bin", "usr/bin"}, {"/usr/bin", "/bin"}} {
		if err := tree.put(l[0], &tar.Header{Typeflag: tar.TypeSymlink, Linkname: l[1]}, 0, 1); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := tree.Resolve("/bin/sh"); err == nil || !strings.Contains(err.Error(), "too many levels of symbolic links") {
		t.Errorf("want ELOOP-style error, got %v", err)
	}
}

func TestDecompressionBombAndEntryLimits(t *testing.T) {
	// 64 MiB of zeros gzip to about 64 KiB: the layer limit, not the
	// compressed size, must stop it.
	big := imagetest.Tar(t, imagetest.File{Path: "zeros", Body: strings.Repeat("\x00", 64<<20)})
	lim := DefaultLimits()
	lim.MaxLayerBytes = 1 << 20
	err := runErr(t, oneLayer(t, big), lim)
	if err == nil || !strings.Contains(err.Error(), "larger than the limit of 1048576 bytes") {
		t.Errorf("bomb: %v", err)
	}
	lim = DefaultLimits()
	lim.MaxEntries = 10
	var many []imagetest.File
	for i := range 20 {
		many = append(many, imagetest.File{Path: fmt.Sprintf("f%d", i)})
	}
	if err := runErr(t, oneLayer(t, imagetest.Tar(t, many...)), lim); err == nil || !strings.Contains(err.Error(), "more than 10 filesystem entries") {
		t.Errorf("entries: %v", err)
	}
}

func TestHugeFileIsReadOnlyUpToTheLimit(t *testing.T) {
	// The secret sits beyond the read limit: it is not found, and the
	// scan neither fails nor buffers the file.
	body := strings.Repeat("a", 2<<20) + "\n" + imagetest.TestPrivateKey
	img := oneLayer(t, imagetest.Tar(t, imagetest.File{Path: "big.txt", Body: body}, imagetest.File{Path: "small.pem", Body: imagetest.TestPrivateKey}))
	lim := DefaultLimits()
	lim.MaxFileBytes = 1 << 20
	res, err := Run(context.Background(), img, Options{Limits: lim, Rules: []*Rule{&CGI2004}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Observations) != 1 || !strings.Contains(res.Observations[0].Message, "small.pem") {
		t.Errorf("want only small.pem, got %v", res.Observations)
	}
}

func TestTruncatedAndCorruptLayers(t *testing.T) {
	good := imagetest.Tar(t, imagetest.File{Path: "etc/a", Body: strings.Repeat("x", 4096)}, imagetest.File{Path: "etc/b", Body: "y"})
	for name, data := range map[string][]byte{
		"truncated": good[:1500],
		"garbage":   append(bytes.Repeat([]byte{0xff}, 600), good...),
	} {
		err := runErr(t, oneLayer(t, data), Limits{})
		if err == nil || !strings.Contains(err.Error(), "corrupt or truncated") {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

// lyingLayer serves other bytes than the diff id it claims.
type lyingLayer struct {
	v1.Layer
	body []byte
}

func (l lyingLayer) Uncompressed() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(l.body)), nil
}

func TestDiffIDMismatch(t *testing.T) {
	img := imagetest.Hardened(t)
	ls, _ := img.Layers()
	swapped := imagetest.Tar(t, imagetest.File{Path: "app", Body: "trojan"})
	err := runErr(t, layerSwap{Image: img, layers: []v1.Layer{ls[0], lyingLayer{ls[1], swapped}}}, Limits{})
	if err == nil || !strings.Contains(err.Error(), "does not match the diff id") || !strings.Contains(err.Error(), "layer 2") {
		t.Errorf("got %v", err)
	}
}

type layerSwap struct {
	v1.Image
	layers []v1.Layer
}

func (l layerSwap) Layers() ([]v1.Layer, error) { return l.layers, nil }

// TestRegistryLyingAboutDigests serves a different blob than the one the
// manifest names: the pull must fail with a digest error, exit 2.
func TestRegistryLyingAboutDigests(t *testing.T) {
	img := imagetest.Insecure(t)
	reg := httptest.NewServer(quietRegistry())
	defer reg.Close()
	host := strings.TrimPrefix(reg.URL, "http://")
	ref, err := name.ParseReference(host+"/app:1", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	ls, _ := img.Layers()
	target, _ := ls[len(ls)-1].Digest()
	var lie func([]byte) []byte
	tamper := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := r.Clone(r.Context())
		req.URL.Scheme, req.URL.Host, req.RequestURI = "http", host, ""
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if strings.HasSuffix(r.URL.Path, target.String()) && r.Method == http.MethodGet {
			body = lie(body)
			resp.Header.Del("Content-Length")
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body)
	}))
	defer tamper.Close()
	scanVia := func() error {
		src, err := Open(context.Background(), strings.TrimPrefix(tamper.URL, "http://")+"/app:1", SourceOptions{InsecureRegistry: true, Keychain: authn.NewMultiKeychain()})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		_, err = Run(context.Background(), src.Image, Options{})
		return err
	}
	// A flipped byte breaks the compressed stream itself.
	lie = func(b []byte) []byte { b = bytes.Clone(b); b[len(b)/2] ^= 0xff; return b }
	if err := scanVia(); err == nil || !strings.Contains(err.Error(), "corrupt or truncated") {
		t.Errorf("flipped byte: got %v", err)
	}
	// A well-formed blob of another layer under this layer's digest.
	other, _ := ls[0].Compressed()
	otherBytes, _ := io.ReadAll(other)
	lie = func([]byte) []byte { return otherBytes }
	if err := scanVia(); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("swapped blob: got %v", err)
	} else {
		t.Logf("swapped blob: %v", err)
	}
}

func TestInsecureRegistryOnlyForLoopback(t *testing.T) {
	_, err := Open(context.Background(), "registry.example.com/app:1", SourceOptions{InsecureRegistry: true})
	if err == nil || !strings.Contains(err.Error(), "only allowed for loopback") {
		t.Errorf("got %v", err)
	}
	for host, want := range map[string]bool{"localhost:5000": true, "127.0.0.1:5000": true, "[::1]:5000": true, "10.0.0.1:5000": false, "example.com": false, "127.0.0.1.nip.io:5000": false} {
		if IsLoopback(host) != want {
			t.Errorf("IsLoopback(%s) != %v", host, want)
		}
	}
	// Plain HTTP is refused without the flag, even for addresses where
	// go-containerregistry would fall back to it (loopback, RFC 1918).
	reg := httptest.NewServer(quietRegistry())
	defer reg.Close()
	_, err = Open(context.Background(), strings.TrimPrefix(reg.URL, "http://")+"/app:1", SourceOptions{Keychain: authn.NewMultiKeychain()})
	if err == nil || !strings.Contains(err.Error(), "refusing plain HTTP") {
		t.Errorf("got %v", err)
	}
}

func quietRegistry() http.Handler { return registry.New(registry.Logger(log.New(io.Discard, "", 0))) }

func TestDaemonWithoutSocket(t *testing.T) {
	_, err := Open(context.Background(), "docker-daemon:app:1", SourceOptions{DockerSocket: t.TempDir() + "/docker.sock"})
	if err == nil || !strings.Contains(err.Error(), "no Docker daemon socket") || !strings.Contains(err.Error(), "docker-archive:") {
		t.Errorf("got %v", err)
	}
}
