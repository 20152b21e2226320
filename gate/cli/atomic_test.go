package cli

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestWriteAtomicKeepsSpecialFiles writes a report to a named pipe, as
// --format json=/dev/stderr or =/dev/null would: the pipe must still be a
// pipe afterwards and receive the report, not be renamed over.
func TestWriteAtomicKeepsSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "report.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- b
	}()
	if err := writeAtomic(fifo, func(f *os.File) error { _, err := f.WriteString("report\n"); return err }); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(fifo)
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the named pipe was replaced by a regular file: %v", err)
	}
	select {
	case b := <-got:
		if string(b) != "report\n" {
			t.Errorf("pipe reader got %q", b)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("nothing was written to the pipe")
	}
}

func TestWriteAtomicRegularFileIsReplaced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(path, func(f *os.File) error { _, err := f.WriteString("new"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("got %q", b)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".out.json.tmp-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
