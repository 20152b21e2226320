// Command gatesample prepares a copy of examples/gate for `make demo`: it
// copies the sample and adds its OCI image and the offline vulnerability DB
// fixture (see internal/gatesample).
package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/internal/gatesample"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gatesample EXAMPLES_GATE_DIR DEST")
		os.Exit(2)
	}
	tb := &fatalTB{}
	defer tb.cleanup()
	if err := gatesample.Copy(os.Args[1], os.Args[2]); err != nil {
		tb.Fatal(err)
	}
	gatesample.Build(tb, os.Args[2])
}

// fatalTB lets this command call the fixture builders, which take a
// testing.TB so tests and the demo share one fixture. Only the methods they
// use are implemented; the embedded nil TB makes any other call panic
// instead of being silently ignored.
type fatalTB struct {
	testing.TB
	dirs []string
}

func (*fatalTB) Helper() {}

func (t *fatalTB) Fatal(args ...any) {
	fmt.Fprintln(os.Stderr, append([]any{"gatesample:"}, args...)...)
	t.cleanup()
	os.Exit(1)
}

func (t *fatalTB) TempDir() string {
	d, err := os.MkdirTemp("", "gatesample-")
	if err != nil {
		t.Fatal(err)
	}
	t.dirs = append(t.dirs, d)
	return d
}

func (t *fatalTB) cleanup() {
	for _, d := range t.dirs {
		_ = os.RemoveAll(d)
	}
	t.dirs = nil
}
