package hostile

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// paxPathLayer is a gzip layer of n entries, each with a PAX path of
// size bytes; one compressed entry is repeated (gzip members concatenate),
// so 1,000 x 1 MiB costs about 1 MB to make.
func paxPathLayer(t *testing.T, n, size int) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	name := strings.Repeat("a", size)
	if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Format: tar.FormatPAX}); err != nil {
		t.Fatal(err)
	}
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	one := gz(t, b.Bytes())
	out := bytes.Repeat(one, n)
	return append(out, gz(t, make([]byte, 1024))...)
}

func TestPAXPathNames(t *testing.T) {
	dir := t.TempDir()
	// 1 MiB less the record's overhead: archive/tar's writer (and reader)
	// cap one PAX header at 1 MiB.
	l := paxPathLayer(t, 1000, 1<<20-64)
	ociLayout(t, dir, ociImage{Layers: [][]byte{l}, DiffIDs: []string{digest([]byte("not checked: the budget ends the read first"))}})
	expect(t, gateRun(t, dir, 60*time.Second, dir), 2, "max-path-bytes")
}

// TestHugeJSON: a 1 GB index.json (a sparse file: no disk), a 200 MB
// config in a docker-archive (a file hole inside the tar), deeply nested
// JSON and an index with too many manifests.
func TestHugeJSON(t *testing.T) {
	t.Run("1 GB index.json", func(t *testing.T) {
		dir := t.TempDir()
		f, err := os.Create(filepath.Join(dir, "index.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(1 << 30); err != nil {
			t.Fatal(err)
		}
		f.Close()
		expect(t, gateRun(t, dir, 30*time.Second, "oci:"+dir), 2, "JSON document budget")
	})
	t.Run("200 MB config in a docker-archive", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "big.tar")
		clean, id := cleanLayer(t)
		mf := mustJSON(t, []map[string]any{{"Config": "config.json", "Layers": []string{"l.tar"}}})
		writeTar(t, file, member{Name: "manifest.json", Body: mf}, member{Name: "l.tar", Body: clean}, member{Name: "config.json", Sparse: true, Size: 200 << 20})
		_ = id
		expect(t, gateRun(t, dir, 30*time.Second, file), 2, "JSON document budget")
	})
	t.Run("deeply nested config", func(t *testing.T) {
		dir := t.TempDir()
		deep := []byte(strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20))
		clean, id := cleanLayer(t)
		w := ociLayout(t, dir, ociImage{Layers: [][]byte{clean}, DiffIDs: []string{id}})
		// Replace the config with the nested document and rewrite the
		// manifest and index so that every digest matches.
		rewrite(t, w, deep)
		expect(t, gateRun(t, dir, 30*time.Second, "oci:"+dir), 2, "configuration")
	})
	t.Run("flags set the budgets", func(t *testing.T) {
		dir := t.TempDir()
		clean, id := cleanLayer(t)
		ociLayout(t, dir, ociImage{Layers: [][]byte{clean}, DiffIDs: []string{id}})
		expect(t, gateRun(t, dir, 30*time.Second, "--max-json-bytes", "100B", "oci:"+dir), 2, "max-json-bytes")
		expect(t, gateRun(t, dir, 30*time.Second, "--max-path-bytes", "0", "oci:"+dir), 2, "must be positive")
	})
	t.Run("too many manifests", func(t *testing.T) {
		dir := t.TempDir()
		var ms []string
		for i := 0; i < 5000; i++ {
			ms = append(ms, fmt.Sprintf(`{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%064x","size":1,"platform":{"os":"linux","architecture":"a%d"}}`, i, i))
		}
		if err := os.WriteFile(filepath.Join(dir, "index.json"), []byte(`{"schemaVersion":2,"manifests":[`+strings.Join(ms, ",")+`]}`), 0o644); err != nil {
			t.Fatal(err)
		}
		expect(t, gateRun(t, dir, 30*time.Second, "oci:"+dir), 2, "max-manifests")
	})
}

// rewrite puts cfg in place of w's config and fixes the digests above it.
func rewrite(t *testing.T, w written, cfg []byte) {
	t.Helper()
	mf, err := os.ReadFile(w.blob(w.manifest))
	if err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(w.blob(w.config))
	mf = bytes.Replace(mf, []byte(w.config), []byte(digest(cfg)), 1)
	mf = bytes.Replace(mf, []byte(fmt.Sprintf(`"size":%d`, len(old))), []byte(fmt.Sprintf(`"size":%d`, len(cfg))), 1)
	for _, b := range [][]byte{cfg, mf} {
		if err := os.WriteFile(filepath.Join(w.dir, "blobs", "sha256", digest(b)[7:]), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	idx := mustJSON(t, map[string]any{"schemaVersion": 2, "manifests": []map[string]any{{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest(mf), "size": len(mf)}}})
	if err := os.WriteFile(filepath.Join(w.dir, "index.json"), idx, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNotRegularFiles: index.json as a link to /dev/zero, as a FIFO
// (which blocked forever), and the image path itself as a device.
func TestNotRegularFiles(t *testing.T) {
	t.Run("index.json -> /dev/zero", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Symlink("/dev/zero", filepath.Join(dir, "index.json")); err != nil {
			t.Fatal(err)
		}
		expect(t, gateRun(t, dir, 10*time.Second, "oci:"+dir), 2, "character device")
	})
	t.Run("index.json FIFO", func(t *testing.T) {
		dir := t.TempDir()
		if err := syscall.Mkfifo(filepath.Join(dir, "index.json"), 0o644); err != nil {
			t.Fatal(err)
		}
		expect(t, gateRun(t, dir, 10*time.Second, "oci:"+dir), 2, "FIFO")
	})
	t.Run("layer blob FIFO", func(t *testing.T) {
		dir := t.TempDir()
		clean, id := cleanLayer(t)
		w := ociLayout(t, dir, ociImage{Layers: [][]byte{clean}, DiffIDs: []string{id}})
		os.Remove(w.blob(w.layers[0]))
		if err := syscall.Mkfifo(w.blob(w.layers[0]), 0o644); err != nil {
			t.Fatal(err)
		}
		expect(t, gateRun(t, dir, 10*time.Second, "oci:"+dir), 2, "FIFO")
	})
	t.Run("image path is /dev/zero", func(t *testing.T) {
		expect(t, gateRun(t, t.TempDir(), 10*time.Second, "/dev/zero"), 2, "character device")
	})
	t.Run("device member in an archive", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "dev.tar")
		clean, id := cleanLayer(t)
		dockerArchive(t, file, "1000", [][]byte{clean}, []string{id}, member{Name: "zero", Type: tar.TypeChar})
		expect(t, gateRun(t, dir, 10*time.Second, file), 2, "tar type")
	})
}

// TestTotalBytes: one 7 GiB layer (7 MB of gzip) listed 30 times ends on
// the total budget after about a thirtieth of it, instead of being read
// 30 times.
func TestTotalBytes(t *testing.T) {
	dir := t.TempDir()
	l := zerosLayer(t, 7<<30)
	listing := make([]int, 30)
	ociLayout(t, dir, ociImage{Layers: [][]byte{l}, DiffIDs: []string{digest([]byte("never reached"))}, Listing: listing})
	expect(t, gateRun(t, dir, 90*time.Second, "oci:"+dir), 2, "max-total-bytes")
}

// TestLayerBombAndEntries: a gzip bomb over the per-layer budget, and a
// layer with a million entries over the entries budget.
func TestLayerBombAndEntries(t *testing.T) {
	t.Run("bomb", func(t *testing.T) {
		dir := t.TempDir()
		ociLayout(t, dir, ociImage{Layers: [][]byte{zerosLayer(t, 1<<30)}, DiffIDs: []string{digest(nil)}})
		expect(t, gateRun(t, dir, 60*time.Second, "--max-layer-bytes", "64MiB", "oci:"+dir), 2, "max-layer-bytes")
	})
	t.Run("a million entries", func(t *testing.T) {
		dir := t.TempDir()
		// Streamed through gzip and the hash: the 512 MB tar is never
		// held in memory.
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
		h := sha256.New()
		tw := tar.NewWriter(io.MultiWriter(zw, h))
		for i := 0; i < 1_000_000; i++ {
			if err := tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("d%d/f%d", i%1000, i), Typeflag: tar.TypeReg, Mode: 0o644}); err != nil {
				t.Fatal(err)
			}
		}
		tw.Close()
		zw.Close()
		ociLayout(t, dir, ociImage{Layers: [][]byte{b.Bytes()}, DiffIDs: []string{"sha256:" + hex.EncodeToString(h.Sum(nil))}})
		expect(t, gateRun(t, dir, 90*time.Second, "--max-entries", "500000", "oci:"+dir), 2, "max-entries")
	})
}
