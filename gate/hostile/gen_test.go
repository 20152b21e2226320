package hostile

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// member is one entry of a generated tar: Body, or Size bytes of zeros
// written as a file hole (Sparse) so a 200 MB member costs no disk.
type member struct {
	Name    string
	Type    byte
	Link    string
	Body    []byte
	Size    int64
	Sparse  bool
	Mode    int64
	PAXPath bool
}

func writeTar(t testing.TB, file string, ms ...member) {
	t.Helper()
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	for _, m := range ms {
		h := &tar.Header{Name: m.Name, Typeflag: m.Type, Linkname: m.Link, Mode: m.Mode, Size: int64(len(m.Body))}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if m.Sparse {
			h.Size = m.Size
		}
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if m.Sparse {
			// Leave a hole: the tar's data section is zeros on read.
			// WriteHeader has written the header blocks; the writer is
			// abandoned (it would insist on the data) and a new one goes on.
			if _, err := f.Seek(m.Size, io.SeekCurrent); err != nil {
				t.Fatal(err)
			}
			pad := (512 - m.Size%512) % 512
			if _, err := f.Seek(pad, io.SeekCurrent); err != nil {
				t.Fatal(err)
			}
			tw = tar.NewWriter(f)
			continue
		}
		if _, err := tw.Write(m.Body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}

// layerTar is a small layer's tar bytes.
func layerTar(t testing.TB, ms ...member) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, m := range ms {
		h := &tar.Header{Name: m.Name, Typeflag: m.Type, Linkname: m.Link, Mode: m.Mode, Size: int64(len(m.Body)), Format: tar.FormatPAX}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(m.Body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gz(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

func mustJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// imageConfig is a minimal image configuration over the given diff ids.
func imageConfig(t testing.TB, user string, diffIDs ...string) []byte {
	return mustJSON(t, map[string]any{
		"architecture": "amd64", "os": "linux",
		"config": map[string]any{"User": user, "Healthcheck": map[string]any{"Test": []string{"CMD", "true"}}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": diffIDs},
	})
}

// dockerArchive writes a docker save archive of one image whose layers
// are given as stored bytes (plain tar or gzip) with their diff ids.
func dockerArchive(t testing.TB, file, user string, layers [][]byte, diffIDs []string, extra ...member) {
	cfg := imageConfig(t, user, diffIDs...)
	var names []string
	ms := []member{}
	for i, l := range layers {
		n := fmt.Sprintf("l%d/layer.tar", i)
		names = append(names, n)
		ms = append(ms, member{Name: n, Body: l})
	}
	mf := mustJSON(t, []map[string]any{{"Config": "config.json", "RepoTags": []string{"hostile:latest"}, "Layers": names}})
	ms = append([]member{{Name: "manifest.json", Body: mf}, {Name: "config.json", Body: cfg}}, ms...)
	writeTar(t, file, append(ms, extra...)...)
}

// ociLayout writes an OCI layout directory with one image. Layers are
// stored bytes with their diff ids; listing lists layer indexes as the
// manifest does (a layer may be listed more than once).
type ociImage struct {
	Layers  [][]byte
	DiffIDs []string
	Listing []int
	User    string
}

type written struct {
	dir, config, manifest string
	layers                []string
}

func ociLayout(t testing.TB, dir string, img ociImage) written {
	t.Helper()
	blobs := filepath.Join(dir, "blobs", "sha256")
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		t.Fatal(err)
	}
	put := func(b []byte) string {
		d := digest(b)
		if err := os.WriteFile(filepath.Join(blobs, d[7:]), b, 0o644); err != nil {
			t.Fatal(err)
		}
		return d
	}
	w := written{dir: dir}
	listing := img.Listing
	if listing == nil {
		for i := range img.Layers {
			listing = append(listing, i)
		}
	}
	var diffs []string
	var descs []map[string]any
	for i, l := range img.Layers {
		w.layers = append(w.layers, put(l))
		_ = i
	}
	for _, i := range listing {
		diffs = append(diffs, img.DiffIDs[i])
		descs = append(descs, map[string]any{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": w.layers[i], "size": len(img.Layers[i])})
	}
	if img.User == "" {
		img.User = "1000"
	}
	cfg := imageConfig(t, img.User, diffs...)
	w.config = put(cfg)
	mf := mustJSON(t, map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
		"config": map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": w.config, "size": len(cfg)},
		"layers": descs})
	w.manifest = put(mf)
	idx := mustJSON(t, map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
		"manifests": []map[string]any{{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": w.manifest, "size": len(mf)}}})
	if err := os.WriteFile(filepath.Join(dir, "index.json"), idx, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w written) blob(d string) string { return filepath.Join(w.dir, "blobs", "sha256", d[7:]) }

// zerosLayer is a gzip layer holding one file of size zero bytes, made
// cheaply: gzip members may be concatenated, so one compressed 64 MiB run
// of zeros is repeated instead of compressing the whole file.
func zerosLayer(t testing.TB, size int64) []byte {
	t.Helper()
	const chunk = 64 << 20
	var hdr bytes.Buffer
	tw := tar.NewWriter(&hdr)
	// WriteHeader writes the header blocks at once; the data follows
	// as gzip members of zeros.
	if err := tw.WriteHeader(&tar.Header{Name: "zeros", Typeflag: tar.TypeReg, Mode: 0o644, Size: size}); err != nil {
		t.Fatal(err)
	}
	block := gz(t, make([]byte, chunk))
	pad := (512 - size%512) % 512
	out := bytes.NewBuffer(gz(t, hdr.Bytes()))
	for i := int64(0); i < size/chunk; i++ {
		out.Write(block)
	}
	out.Write(gz(t, make([]byte, size%chunk+pad+1024)))
	return out.Bytes()
}
