package hostile

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestCleanArchivesPass is the control: the generators' clean images are
// read (plain and gzip docker-archive layers, an OCI layout, an OCI
// archive path without prefix), so the hostile cases fail for their own
// reason.
func TestCleanArchivesPass(t *testing.T) {
	dir := t.TempDir()
	clean, id := cleanLayer(t)
	dockerArchive(t, filepath.Join(dir, "plain.tar"), "1000", [][]byte{clean}, []string{id})
	dockerArchive(t, filepath.Join(dir, "gzip.tar"), "1000", [][]byte{gz(t, clean)}, []string{id})
	w := ociLayout(t, filepath.Join(dir, "layout"), ociImage{Layers: [][]byte{gz(t, clean)}, DiffIDs: []string{id}})
	// The same layout packed in a tar: an OCI archive.
	var ms []member
	for _, n := range append([]string{"oci-layout", "index.json"}, w.manifest, w.config, w.layers[0]) {
		p := filepath.Join(w.dir, n)
		if strings.HasPrefix(n, "sha256:") {
			p, n = w.blob(n), "blobs/sha256/"+n[7:]
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, member{Name: n, Body: b})
	}
	writeTar(t, filepath.Join(dir, "oci.tar"), ms...)
	for _, ref := range []string{"docker-archive:plain.tar", "./plain.tar", "./gzip.tar", "oci:layout", filepath.Join(dir, "layout"), "./oci.tar", "oci:oci.tar"} {
		t.Run(ref, func(t *testing.T) {
			r := gateRun(t, dir, 30*time.Second, ref)
			if r.code != 0 {
				t.Fatalf("exit %d for a clean image; stderr:\n%s\nstdout:\n%s", r.code, r.stderr, r.stdout)
			}
		})
	}
}

// TestLocalPathsAreLocal: a path on disk is never looked up in a registry.
func TestLocalPathsAreLocal(t *testing.T) {
	dir := t.TempDir()
	clean, id := cleanLayer(t)
	dockerArchive(t, filepath.Join(dir, "alpine"), "1000", [][]byte{clean}, []string{id})
	t.Run("ambiguous name", func(t *testing.T) {
		expect(t, gateRun(t, dir, 10*time.Second, "alpine"), 2, "ambiguous")
	})
	t.Run("prefix resolves it", func(t *testing.T) {
		if r := gateRun(t, dir, 30*time.Second, "docker-archive:alpine"); r.code != 0 {
			t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
		}
	})
	t.Run("missing archive is not a registry name", func(t *testing.T) {
		expect(t, gateRun(t, dir, 10*time.Second, "image.tar"), 2, "looks like an image archive")
	})
	t.Run("missing path", func(t *testing.T) {
		expect(t, gateRun(t, dir, 10*time.Second, "./nothing/here"), 2, "does not exist")
	})
}

// TestLayerTricks: traversal, links out of the layer, archive symlinks out
// of the archive, and a docker-archive layer or config that does not
// match its digest.
func TestLayerTricks(t *testing.T) {
	for _, tc := range []struct {
		name string
		ms   []member
		msg  string
	}{
		{"dotdot", []member{{Name: "../../etc/cron.d/evil", Body: []byte("x")}}, `".." path element`},
		{"absolute", []member{{Name: "/etc/passwd", Body: []byte("x")}}, "absolute path"},
		{"hard link out", []member{{Name: "leak", Type: tar.TypeLink, Link: "../../etc/shadow"}}, "hard link /leak"},
		{"hard link to nothing", []member{{Name: "leak", Type: tar.TypeLink, Link: "etc/shadow"}}, "not a file in this image"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			l, id := gzLayer(t, tc.ms...)
			ociLayout(t, dir, ociImage{Layers: [][]byte{l}, DiffIDs: []string{id}})
			expect(t, gateRun(t, dir, 30*time.Second, "oci:"+dir), 2, tc.msg)
		})
	}
	t.Run("archive symlink out", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "a.tar")
		_, id := cleanLayer(t)
		mf := mustJSON(t, []map[string]any{{"Config": "config.json", "Layers": []string{"l/layer.tar"}}})
		writeTar(t, file, member{Name: "manifest.json", Body: mf}, member{Name: "config.json", Body: imageConfig(t, "1000", id)},
			member{Name: "l/layer.tar", Type: tar.TypeSymlink, Link: "../../../etc/passwd"})
		expect(t, gateRun(t, dir, 10*time.Second, file), 2, "links outside the archive")
	})
	for _, compress := range []bool{false, true} {
		t.Run(fmt.Sprintf("archive layer not its diff id (gzip %v)", compress), func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "a.tar")
			_, cleanID := cleanLayer(t)
			bad, _ := plainLayer(t, member{Name: "root/.ssh/id_rsa", Body: []byte(key)})
			if compress {
				bad = gz(t, bad)
			}
			dockerArchive(t, file, "1000", [][]byte{bad}, []string{cleanID})
			expect(t, gateRun(t, dir, 30*time.Second, file), 2, "does not match its digest")
		})
	}
	t.Run("archive config not its name", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "a.tar")
		clean, id := cleanLayer(t)
		name := strings.Repeat("ab", 32) + ".json"
		mf := mustJSON(t, []map[string]any{{"Config": name, "Layers": []string{"l.tar"}}})
		writeTar(t, file, member{Name: "manifest.json", Body: mf}, member{Name: name, Body: imageConfig(t, "0", id)}, member{Name: "l.tar", Body: clean})
		expect(t, gateRun(t, dir, 10*time.Second, file), 2, "does not match its digest")
	})
}

// TestFindingsStayHonest: whiteouts, opaque whiteouts, a hard link that
// keeps a deleted secret in the final image, and a secret in the body of
// a whiteout entry.
func TestFindingsStayHonest(t *testing.T) {
	secret := member{Name: "app/key.pem", Body: []byte(key), Mode: 0o600}
	for _, tc := range []struct {
		name   string
		layers [][]member
		msg    string
		not    string
	}{
		{"whiteout", [][]member{{secret}, {{Name: "app/.wh.key.pem"}}}, "deleted later", ""},
		{"opaque whiteout", [][]member{{secret}, {{Name: "app/.wh..wh..opq"}}}, "deleted later", ""},
		{"hard link keeps it", [][]member{{secret, {Name: "app/copy", Type: tar.TypeLink, Link: "app/key.pem"}}, {{Name: "app/.wh.key.pem"}}}, "hard link /app/copy", "deleted later"},
		{"secret in a whiteout body", [][]member{{{Name: "app/run", Body: []byte("x"), Mode: 0o755}}, {{Name: "app/.wh.run", Body: []byte(key)}}}, "/app/.wh.run", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var img ociImage
			for _, ms := range tc.layers {
				l, id := gzLayer(t, ms...)
				img.Layers, img.DiffIDs = append(img.Layers, l), append(img.DiffIDs, id)
			}
			ociLayout(t, dir, img)
			r := gateRun(t, dir, 30*time.Second, "oci:"+dir)
			expect(t, r, 1, tc.msg)
			if tc.not != "" && strings.Contains(r.stdout, tc.not) {
				t.Errorf("output says %q:\n%s", tc.not, r.stdout)
			}
			if strings.Contains(r.stdout, "contains a ") {
				t.Errorf("garbled sentence in:\n%s", r.stdout)
			}
		})
	}
}

// TestSIGTERM: a scan busy decompressing a huge layer ends within a
// second of SIGTERM and writes no passing report.
//
// Expected exit code: 143 (128+SIGTERM) once the signal handling of
// gate/cmd/crank-gate (branch h/17cli) is merged. Before that, crank-gate
// cancels the scan on SIGTERM and exits 2 with "interrupted"; the test
// accepts that too and logs which one it saw. The one-second bound holds
// on both: the layer read loop checks for cancellation as bytes arrive.
func TestSIGTERM(t *testing.T) {
	dir := t.TempDir()
	ociLayout(t, dir, ociImage{Layers: [][]byte{zerosLayer(t, 7<<30)}, DiffIDs: []string{digest(nil)}})
	report := filepath.Join(dir, "report.json")
	cmd := exec.Command(gate, "image", "--no-vulns", "--progress", "--format", "json="+report, "oci:"+dir)
	w := &watch{want: "layer 1/1", seen: make(chan struct{})}
	cmd.Stderr = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	started := w.seen
	select {
	case <-started:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the scan never started its layer")
	}
	time.Sleep(300 * time.Millisecond) // well inside the 7 GiB read
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("crank-gate was still running 5 s after SIGTERM")
	}
	took := time.Since(sent)
	if took > time.Second {
		t.Errorf("exit %s after SIGTERM, want within 1 s", took)
	}
	var ee *exec.ExitError
	if strings.Contains(w.String(), "panic:") {
		t.Errorf("crashed:\n%s", w.String())
	}
	if !errors.As(err, &ee) {
		t.Fatalf("crank-gate exited with %v after SIGTERM, want a failure exit", err)
	}
	// (The RSS of this direct child includes the test's own at the fork;
	// the other cases measure through the launcher.)
	switch code := ee.ExitCode(); code {
	case 143:
		t.Logf("exit 143 after %s", took)
	case 2:
		t.Logf("exit 2 after %s (pre-17cli signal handling)", took)
	default:
		t.Errorf("exit %d after SIGTERM, want 143 (or 2 before h/17cli is merged)", code)
	}
	if _, err := os.Stat(report); err == nil {
		t.Errorf("an interrupted run wrote %s", report)
	}
}

// watch collects stderr and says when a line appeared.
type watch struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *watch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

func (w *watch) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
