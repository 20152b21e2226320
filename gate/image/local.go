package image

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/zstd"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// blobStore is where a local image's files are: an OCI layout directory,
// or the members of an archive.
type blobStore interface {
	open(name string) (io.ReadCloser, int64, error)
}

// dirStore reads an OCI layout directory; names come from digests that
// were checked to be 64 hex characters, so they cannot leave dir.
type dirStore struct{ dir string }

func (d dirStore) open(name string) (io.ReadCloser, int64, error) {
	f, size, err := openRegular(filepath.Join(d.dir, filepath.FromSlash(name)), "OCI layout file")
	if err != nil {
		return nil, 0, err
	}
	return f, size, nil
}

// readDoc reads a document that no digest names (index.json, a docker
// save manifest.json), held to the JSON budget before it is read.
func readDoc(st blobStore, name string, lim Limits) ([]byte, error) {
	rc, size, err := st.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if size > lim.MaxJSONBytes {
		return nil, jsonLimit(name, size, lim.MaxJSONBytes)
	}
	data, err := io.ReadAll(io.LimitReader(rc, lim.MaxJSONBytes+1))
	if err == nil && int64(len(data)) > lim.MaxJSONBytes {
		return nil, jsonLimit(name, int64(len(data)), lim.MaxJSONBytes)
	}
	return data, err
}

func jsonLimit(what string, size, limit int64) error {
	return &errLimit{fmt.Sprintf("%s is %d bytes, above the JSON document budget of %d bytes (max-json-bytes); raise it with --max-json-bytes or the config's image.max-json-bytes if the image is legitimate", what, size, limit)}
}

func blobName(h v1.Hash) (string, error) {
	if h.Algorithm != "sha256" || len(h.Hex) != 64 {
		return "", fmt.Errorf("digest %q is not a sha256 digest", h)
	}
	if _, err := hex.DecodeString(h.Hex); err != nil {
		return "", fmt.Errorf("digest %q is not a sha256 digest", h)
	}
	return "blobs/sha256/" + h.Hex, nil
}

// readBlob reads a small blob named by desc and verifies it.
func readBlob(st blobStore, desc v1.Descriptor, what string, lim Limits, t *taint) ([]byte, error) {
	name, err := blobName(desc.Digest)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if desc.Size > lim.MaxJSONBytes {
		return nil, jsonLimit(what+" "+desc.Digest.String(), desc.Size, lim.MaxJSONBytes)
	}
	rc, _, err := st.open(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return readVerified(rc, what+" "+name, desc.Digest, desc.Size, lim.MaxJSONBytes, t)
}

// ociIndex is a verified view of one (possibly nested) OCI index.
type ociIndex struct {
	st  blobStore
	lim Limits
	t   *taint
}

func parseIndex(data []byte, what string, lim Limits) (*v1.IndexManifest, error) {
	var im v1.IndexManifest
	if err := json.Unmarshal(data, &im); err != nil {
		return nil, fmt.Errorf("%s is not a valid OCI index: %w", what, err)
	}
	if len(im.Manifests) > lim.MaxManifests {
		return nil, &errLimit{fmt.Sprintf("%s lists %d manifests, above the budget of %d (max-manifests); raise it with --max-manifests if the index is legitimate", what, len(im.Manifests), lim.MaxManifests)}
	}
	return &im, nil
}

func (x *ociIndex) child(d v1.Descriptor) (indexNode, []v1.Descriptor, error) {
	data, err := readBlob(x.st, d, "nested index", x.lim, x.t)
	if err != nil {
		return nil, nil, err
	}
	im, err := parseIndex(data, "nested index "+d.Digest.String(), x.lim)
	if err != nil {
		return nil, nil, err
	}
	return &ociIndex{st: x.st, lim: x.lim, t: x.t}, im.Manifests, nil
}

// image builds a verified image from a manifest descriptor.
func (x *ociIndex) image(d v1.Descriptor) (v1.Image, error) {
	raw, err := readBlob(x.st, d, "manifest", x.lim, x.t)
	if err != nil {
		return nil, err
	}
	mf, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("manifest %s is not a valid image manifest: %w", d.Digest, err)
	}
	cfg, err := readBlob(x.st, mf.Config, "config", x.lim, x.t)
	if err != nil {
		return nil, err
	}
	mt := mf.MediaType
	if mt == "" {
		mt = d.MediaType
	}
	img := &localImage{st: x.st, rawManifest: raw, mediaType: mt, rawConfig: cfg, t: x.t, lim: x.lim}
	return img, img.init(mf)
}

// localImage is an image on disk whose every byte is verified as it is
// read; all readers (the checks, Trivy) share it and its taint.
type localImage struct {
	st          blobStore
	rawManifest []byte
	mediaType   types.MediaType
	rawConfig   []byte
	layers      []*localLayer
	t           *taint
	lim         Limits
}

func (i *localImage) init(mf *v1.Manifest) error {
	cf, err := v1.ParseConfigFile(bytes.NewReader(i.rawConfig))
	if err != nil {
		return fmt.Errorf("the image configuration is not valid JSON: %w", err)
	}
	if len(mf.Layers) > i.lim.MaxLayers {
		return &errLimit{fmt.Sprintf("the image has %d layers, above the limit of %d; refusing to read it", len(mf.Layers), i.lim.MaxLayers)}
	}
	if len(cf.RootFS.DiffIDs) != len(mf.Layers) {
		return fmt.Errorf("the image configuration lists %d layer diff ids but the manifest has %d layers: the image is corrupt", len(cf.RootFS.DiffIDs), len(mf.Layers))
	}
	for n, d := range mf.Layers {
		name, err := blobName(d.Digest)
		if err != nil {
			return fmt.Errorf("layer %d: %w", n+1, err)
		}
		if d.Size < 0 {
			return fmt.Errorf("layer %d: negative size %d in the manifest", n+1, d.Size)
		}
		i.layers = append(i.layers, &localLayer{img: i, name: name, digest: d.Digest, size: d.Size, diffID: cf.RootFS.DiffIDs[n], mediaType: d.MediaType})
	}
	return nil
}

// VerifyError is the first verification failure any reader of the image
// saw (nil: everything read so far verified).
func (i *localImage) VerifyError() error { return i.t.get() }

func (i *localImage) Layers() ([]v1.Layer, error) {
	out := make([]v1.Layer, len(i.layers))
	for n, l := range i.layers {
		out[n] = l
	}
	return out, nil
}

func (i *localImage) MediaType() (types.MediaType, error) { return i.mediaType, nil }
func (i *localImage) Size() (int64, error)                { return int64(len(i.rawManifest)), nil }
func (i *localImage) ConfigName() (v1.Hash, error)        { return sha(i.rawConfig), nil }
func (i *localImage) RawConfigFile() ([]byte, error)      { return i.rawConfig, nil }
func (i *localImage) Digest() (v1.Hash, error)            { return sha(i.rawManifest), nil }
func (i *localImage) RawManifest() ([]byte, error)        { return i.rawManifest, nil }

// ConfigFile and Manifest parse afresh, so no reader can change what
// another sees.
func (i *localImage) ConfigFile() (*v1.ConfigFile, error) {
	return v1.ParseConfigFile(bytes.NewReader(i.rawConfig))
}

func (i *localImage) Manifest() (*v1.Manifest, error) {
	return v1.ParseManifest(bytes.NewReader(i.rawManifest))
}

func (i *localImage) LayerByDigest(h v1.Hash) (v1.Layer, error) {
	for _, l := range i.layers {
		if l.digest == h {
			return l, nil
		}
	}
	if h == sha(i.rawConfig) {
		return nil, errors.New("the configuration blob is not a layer")
	}
	return nil, fmt.Errorf("the image has no layer %s", h)
}

func (i *localImage) LayerByDiffID(h v1.Hash) (v1.Layer, error) {
	for _, l := range i.layers {
		if l.diffID == h {
			return l, nil
		}
	}
	return nil, fmt.Errorf("the image has no layer with diff id %s", h)
}

func sha(b []byte) v1.Hash {
	s := sha256.Sum256(b)
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(s[:])}
}

// localLayer reads one layer blob; Compressed verifies the stored bytes
// against the manifest's digest and size, Uncompressed additionally the
// decompressed bytes against the configuration's diff id.
type localLayer struct {
	img       *localImage
	name      string
	digest    v1.Hash
	size      int64
	diffID    v1.Hash
	mediaType types.MediaType
}

func (l *localLayer) Digest() (v1.Hash, error)            { return l.digest, nil }
func (l *localLayer) DiffID() (v1.Hash, error)            { return l.diffID, nil }
func (l *localLayer) Size() (int64, error)                { return l.size, nil }
func (l *localLayer) MediaType() (types.MediaType, error) { return l.mediaType, nil }

// verifiesDiffID tells the scan that Uncompressed already checks the
// diff id, so the bytes are not hashed twice.
func (l *localLayer) verifiesDiffID() bool { return true }

func (l *localLayer) Compressed() (io.ReadCloser, error) {
	return l.compressed()
}

func (l *localLayer) compressed() (*verifyReader, error) {
	rc, _, err := l.img.st.open(l.name)
	if err != nil {
		return nil, l.img.t.set(fmt.Errorf("layer blob %s: %w", l.name, err))
	}
	return newVerifyReader(rc, "layer blob "+l.name, l.digest, l.size, l.img.t)
}

func (l *localLayer) Uncompressed() (io.ReadCloser, error) {
	c, err := l.compressed()
	if err != nil {
		return nil, err
	}
	r, closeDec, err := decompress(c, l.img.lim)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("layer blob %s: %w", l.name, err)
	}
	var rd io.Reader = r
	if l.digest != l.diffID || closeDec != nil {
		v, err := newVerifyReader(io.NopCloser(r), "layer "+l.name+" uncompressed (diff id)", l.diffID, -1, l.img.t)
		if err != nil {
			c.Close()
			return nil, err
		}
		rd = v
	}
	limited := &limitedReader{r: verifiedFirst{r: rd, blob: c}, limit: l.img.lim.MaxLayerBytes}
	return readCloser{Reader: limited, close: func() error {
		if closeDec != nil {
			closeDec()
		}
		return c.Close()
	}}, nil
}

// verifiedFirst explains a decompression error by the blob's digest when
// the blob does not verify: replaced bytes usually fail to decompress
// before the verifier has seen the end of the blob.
type verifiedFirst struct {
	r    io.Reader
	blob *verifyReader
}

func (v verifiedFirst) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	if err != nil && err != io.EOF && v.blob.err == nil {
		if _, derr := io.Copy(io.Discard, v.blob); derr != nil && v.blob.err != nil {
			return n, v.blob.err
		}
	}
	if err != nil && v.blob.err != nil {
		return n, v.blob.err
	}
	return n, err
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }

// decompress detects the layer's compression by its magic bytes, as
// container runtimes do (docker save archives may hold gzip layers under
// a .tar name): gzip, zstd, or a plain tar.
func decompress(r io.Reader, lim Limits) (io.Reader, func(), error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, err := br.Peek(4)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, nil, err
	}
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, func() { zr.Close() }, nil
	case len(magic) == 4 && bytes.Equal(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		// The window bounds the decoder's memory; real layers use 8 MiB
		// windows (128 MiB in long mode).
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(128<<20), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, nil, fmt.Errorf("zstd: %w", err)
		}
		return zr, zr.Close, nil
	}
	return br, nil, nil
}

// openLayoutStore reads an OCI layout (directory or archive) down to the
// descriptors of its index.json, tag-filtered.
func openOCI(st blobStore, what, tag string, plat *v1.Platform, lim Limits) (*Source, error) {
	data, err := readDoc(st, "index.json", lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	im, err := parseIndex(data, what+" index.json", lim)
	if err != nil {
		return nil, err
	}
	descs := im.Manifests
	if tag != "" {
		var tagged []v1.Descriptor
		var names []string
		for _, d := range im.Manifests {
			n := d.Annotations["org.opencontainers.image.ref.name"]
			if n != "" {
				names = append(names, n)
			}
			if n == tag || strings.HasSuffix(n, ":"+tag) {
				tagged = append(tagged, d)
			}
		}
		if len(tagged) == 0 {
			return nil, fmt.Errorf("%s has no image tagged %q (tags: %s)", what, tag, orNone(names))
		}
		descs = tagged
	}
	return resolveIndex(&ociIndex{st: st, lim: lim, t: &taint{}}, descs, plat, what)
}

// dockerManifest is one entry of a docker save archive's manifest.json.
type dockerManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// openDockerArchive reads a docker save archive: the configuration is
// checked against the name manifest.json gives it when that name is a
// digest, every layer against the configuration's diff ids.
func openDockerArchive(idx *archiveIndex, what string, lim Limits) (*Source, error) {
	data, err := readDoc(idx, "manifest.json", lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var mfs []dockerManifest
	if err := json.Unmarshal(data, &mfs); err != nil {
		return nil, fmt.Errorf("%s: manifest.json is not a docker save manifest: %w", what, err)
	}
	if len(mfs) > lim.MaxManifests {
		return nil, &errLimit{fmt.Sprintf("%s: manifest.json lists %d images, above the budget of %d (max-manifests)", what, len(mfs), lim.MaxManifests)}
	}
	if len(mfs) != 1 {
		return nil, fmt.Errorf("%s: manifest.json lists %d images; the gate scans an archive with exactly one (docker save -o FILE.tar NAME:TAG)", what, len(mfs))
	}
	dm := mfs[0]
	t := &taint{}
	cfg, err := readDoc(idx, dm.Config, lim)
	if err != nil {
		return nil, fmt.Errorf("%s: config %s: %w", what, dm.Config, err)
	}
	if want, ok := digestName(dm.Config); ok {
		if got := sha(cfg); got != want {
			return nil, fmt.Errorf("%s: config %s does not match its digest: expected %s, content hashes to %s (the archive was altered)", what, dm.Config, want, got)
		}
	}
	cf, err := v1.ParseConfigFile(bytes.NewReader(cfg))
	if err != nil {
		return nil, fmt.Errorf("%s: config %s is not valid JSON: %w", what, dm.Config, err)
	}
	if len(dm.Layers) > lim.MaxLayers {
		return nil, &errLimit{fmt.Sprintf("%s: the image has %d layers, above the limit of %d; refusing to read it", what, len(dm.Layers), lim.MaxLayers)}
	}
	if len(cf.RootFS.DiffIDs) != len(dm.Layers) {
		return nil, fmt.Errorf("%s: the configuration lists %d layer diff ids but manifest.json lists %d layers: the archive is corrupt", what, len(cf.RootFS.DiffIDs), len(dm.Layers))
	}
	img := &localImage{st: idx, mediaType: types.DockerManifestSchema2, rawConfig: cfg, t: t, lim: lim}
	mf := v1.Manifest{SchemaVersion: 2, MediaType: types.DockerManifestSchema2,
		Config: v1.Descriptor{MediaType: types.DockerConfigJSON, Size: int64(len(cfg)), Digest: sha(cfg)}}
	stored := map[string]v1.Hash{}
	for n, name := range dm.Layers {
		m, err := idx.lookup(name)
		if err != nil {
			return nil, fmt.Errorf("%s: layer %d: %w", what, n+1, err)
		}
		diff := cf.RootFS.DiffIDs[n]
		d := v1.Descriptor{MediaType: types.DockerUncompressedLayer, Size: m.size, Digest: diff}
		if gz, err := isCompressedMember(idx, m); err != nil {
			return nil, fmt.Errorf("%s: layer %d: %w", what, n+1, err)
		} else if gz {
			// The stored bytes have their own digest; hashing the
			// compressed member is cheap next to decompressing it.
			h, ok := stored[m.name]
			if !ok {
				if h, err = hashMember(idx, m); err != nil {
					return nil, fmt.Errorf("%s: layer %d: %w", what, n+1, err)
				}
				stored[m.name] = h
			}
			d.MediaType, d.Digest = types.DockerLayer, h
		}
		mf.Layers = append(mf.Layers, d)
		img.layers = append(img.layers, &localLayer{img: img, name: m.name, digest: d.Digest, size: d.Size, diffID: diff, mediaType: d.MediaType})
	}
	if img.rawManifest, err = json.Marshal(mf); err != nil {
		return nil, err
	}
	return &Source{Image: img}, nil
}

// digestName recognises a config member named by its digest: "<hex>.json"
// (docker save before 25) or "blobs/sha256/<hex>" (docker save 25+).
func digestName(name string) (v1.Hash, bool) {
	base := strings.TrimSuffix(path.Base(name), ".json")
	if len(base) != 64 {
		return v1.Hash{}, false
	}
	if _, err := hex.DecodeString(base); err != nil {
		return v1.Hash{}, false
	}
	return v1.Hash{Algorithm: "sha256", Hex: base}, true
}

func isCompressedMember(idx *archiveIndex, m *member) (bool, error) {
	var magic [4]byte
	n, err := idx.f.ReadAt(magic[:], m.off)
	if n < len(magic) && m.size >= int64(len(magic)) {
		return false, fmt.Errorf("reading member %q: %w", m.name, err)
	}
	gz := n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b
	zs := n == 4 && bytes.Equal(magic[:], []byte{0x28, 0xb5, 0x2f, 0xfd})
	return gz || zs, nil
}

func hashMember(idx *archiveIndex, m *member) (v1.Hash, error) {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(idx.f, m.off, m.size)); err != nil {
		return v1.Hash{}, fmt.Errorf("reading member %q: %w", m.name, err)
	}
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}, nil
}

// openLocalPath reads an image on disk, detected by content: a directory
// is an OCI layout; a file is a tar holding manifest.json (docker save)
// or index.json (an OCI layout archive). prefer is "docker-archive" when
// the user said so: a docker save 25+ archive holds both documents.
func openLocalPath(p, tag, prefer string, plat *v1.Platform, lim Limits) (*Source, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (expected an OCI layout directory, an OCI archive or a docker save archive)", p, err)
	}
	if st.IsDir() {
		return openOCI(dirStore{dir: p}, "oci:"+p, tag, plat, lim)
	}
	f, size, err := openRegular(p, "image archive")
	if err != nil {
		return nil, err
	}
	var magic [2]byte
	if n, _ := f.ReadAt(magic[:], 0); n == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		f.Close()
		return nil, fmt.Errorf("%s is gzip-compressed; decompress it first (gunzip) and scan the tar", p)
	}
	idx, err := indexArchive(f, size, p, lim)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	_, hasIndex := idx.members["index.json"]
	_, hasManifest := idx.members["manifest.json"]
	var src *Source
	switch {
	case hasManifest && (prefer == "docker-archive" || !hasIndex):
		src, err = openDockerArchive(idx, "docker-archive:"+p, lim)
	case hasIndex:
		src, err = openOCI(idx, "oci-archive:"+p, tag, plat, lim)
	default:
		err = fmt.Errorf("%s is a tar archive but neither a docker save archive (no manifest.json) nor an OCI layout archive (no index.json)", p)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	src.cleanup = func() { f.Close() }
	return src, nil
}
