package image

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// fuzzLimits keep one fuzz execution small: the budgets are what is
// being exercised, not the machine.
func fuzzLimits() Limits {
	return Limits{MaxLayerBytes: 4 << 20, MaxFileBytes: 64 << 10, MaxEntries: 2000, MaxLayers: 8, MaxTotalBytes: 8 << 20,
		MaxJSONBytes: 64 << 10, MaxPathBytes: 512, MaxPathIndexBytes: 64 << 10, MaxManifests: 16}
}

type tarEntry struct {
	name, link string
	typ        byte
	body       string
	pax        map[string]string
}

func fuzzTar(entries ...tarEntry) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Linkname: e.link, Typeflag: e.typ, Mode: 0o644, Size: int64(len(e.body)), PAXRecords: e.pax}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			panic(err)
		}
		io.WriteString(tw, e.body)
	}
	tw.Close()
	return b.Bytes()
}

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// layerSeeds are the hostile layer shapes of issue 17.
func layerSeeds() [][]byte {
	key := "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"
	return [][]byte{
		fuzzTar(tarEntry{name: "etc/passwd", body: "root:x:0:0::/root:/bin/sh\n"}, tarEntry{name: "app/", typ: tar.TypeDir}),
		fuzzTar(tarEntry{name: "a", body: "1"}, tarEntry{name: "./a", body: key}, tarEntry{name: "b//c", body: "x"}),
		fuzzTar(tarEntry{name: "k", body: key}, tarEntry{name: "h", typ: tar.TypeLink, link: "k"}, tarEntry{name: ".wh.k"}),
		fuzzTar(tarEntry{name: "d/", typ: tar.TypeDir}, tarEntry{name: "d/.wh..wh..opq"}, tarEntry{name: "d/.wh.x", body: key}),
		fuzzTar(tarEntry{name: "l", typ: tar.TypeSymlink, link: "../../etc/shadow"}, tarEntry{name: "m", typ: tar.TypeLink, link: "../x"}),
		fuzzTar(tarEntry{name: strings.Repeat("n", 600), body: "x"}, tarEntry{name: "p", pax: map[string]string{"path": strings.Repeat("q", 300)}}),
		fuzzTar(tarEntry{name: "dev", typ: tar.TypeChar}, tarEntry{name: "fifo", typ: tar.TypeFifo}, tarEntry{name: "/abs", body: "x"}),
		sparseLayer(),
	}
}

// memStore is a blob store in memory, for fuzzing without a disk.
type memStore map[string][]byte

func (m memStore) open(name string) (io.ReadCloser, int64, error) {
	b, ok := m[name]
	if !ok {
		return nil, 0, fmt.Errorf("no blob %s", name)
	}
	return io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil
}

func (m memStore) put(b []byte) (string, int) {
	h := hexSHA(b)
	m["blobs/sha256/"+h] = b
	return "sha256:" + h, len(b)
}

// ociFiles lays out one image with the given layers as OCI files.
func ociFiles(layers ...[]byte) memStore {
	st := memStore{}
	var diffs []string
	var descs []map[string]any
	for _, l := range layers {
		d, n := st.put(l)
		diffs = append(diffs, d)
		descs = append(descs, map[string]any{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": n})
	}
	cfg, _ := json.Marshal(map[string]any{"os": "linux", "architecture": "amd64", "config": map[string]any{"User": "1000"}, "rootfs": map[string]any{"type": "layers", "diff_ids": diffs}})
	cd, cn := st.put(cfg)
	mf, _ := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cn}, "layers": descs})
	md, mn := st.put(mf)
	st["index.json"], _ = json.Marshal(map[string]any{"schemaVersion": 2, "manifests": []map[string]any{{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": mn}}})
	st["oci-layout"] = []byte(`{"imageLayoutVersion":"1.0.0"}`)
	return st
}

// asTar packs files into an archive (sorted, so seeds are stable).
func (m memStore) asTar(extra ...tarEntry) []byte {
	var es []tarEntry
	for _, n := range []string{"oci-layout", "index.json", "manifest.json"} {
		if b, ok := m[n]; ok {
			es = append(es, tarEntry{name: n, body: string(b)})
		}
	}
	for n, b := range m {
		if strings.HasPrefix(n, "blobs/") || strings.HasSuffix(n, ".tar") || strings.HasSuffix(n, ".json") && n != "index.json" && n != "manifest.json" {
			es = append(es, tarEntry{name: n, body: string(b)})
		}
	}
	return fuzzTar(append(es, extra...)...)
}

func scanQuietly(t *testing.T, src *Source) {
	ctx := context.Background()
	_, _ = Run(ctx, src.Image, Options{Limits: fuzzLimits(), Workers: 1})
}

var linuxAMD64 = &v1.Platform{OS: "linux", Architecture: "amd64"}

// FuzzLayerWalker feeds arbitrary layer tars (tar entries to the tree,
// whiteouts, links, every check) through a verified in-memory image.
func FuzzLayerWalker(f *testing.F) {
	for _, s := range layerSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, layer []byte) {
		st := ociFiles(layer)
		src, err := openOCI(st, "fuzz", "", linuxAMD64, fuzzLimits())
		if err != nil {
			t.Fatalf("a generated layout must open: %v", err)
		}
		scanQuietly(t, src)
	})
}

// FuzzOCILayout feeds arbitrary archives to the OCI layout reader (the tar
// index, index.json, nested documents, verification) and scans what opens.
func FuzzOCILayout(f *testing.F) {
	for _, s := range layerSeeds() {
		st := ociFiles(s)
		f.Add(st.asTar())
		f.Add(st.asTar(tarEntry{name: "./index.json", body: "{}"}))
	}
	big := ociFiles(layerSeeds()[0])
	big["index.json"] = []byte(strings.Repeat("[", 5000))
	f.Add(big.asTar())
	f.Fuzz(func(t *testing.T, archive []byte) { fuzzArchive(t, archive, "oci") })
}

// FuzzDockerArchive feeds arbitrary archives to the docker save reader.
func FuzzDockerArchive(f *testing.F) {
	for _, s := range layerSeeds() {
		cfg := fmt.Sprintf(`{"os":"linux","architecture":"amd64","rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}`, hexSHA(s))
		mf := `[{"Config":"config.json","RepoTags":["x:y"],"Layers":["l/layer.tar"]}]`
		f.Add(fuzzTar(tarEntry{name: "manifest.json", body: mf}, tarEntry{name: "config.json", body: cfg}, tarEntry{name: "l/layer.tar", body: string(s)}))
		f.Add(fuzzTar(tarEntry{name: "manifest.json", body: mf}, tarEntry{name: "config.json", body: cfg}, tarEntry{name: "l/layer.tar", body: string(s)}, tarEntry{name: "./config.json", body: cfg}))
		f.Add(fuzzTar(tarEntry{name: "manifest.json", body: mf}, tarEntry{name: "config.json", body: cfg}, tarEntry{name: "x.tar", body: string(s)}, tarEntry{name: "l/layer.tar", typ: tar.TypeSymlink, link: "../x.tar"}))
	}
	f.Fuzz(func(t *testing.T, archive []byte) { fuzzArchive(t, archive, "docker-archive") })
}

// fuzzArchive opens archive as an image on disk, read as prefer says, and
// scans what opens; errors are expected, panics and hangs are not.
func fuzzArchive(t *testing.T, archive []byte, prefer string) {
	file := filepath.Join(t.TempDir(), "a.tar")
	if err := os.WriteFile(file, archive, 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := openLocalPath(file, "", prefer, linuxAMD64, fuzzLimits())
	if err != nil {
		return
	}
	defer src.Close()
	scanQuietly(t, src)
}
