package image

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/image/imagetest"
)

// TestDaemonSource drives docker-daemon: through its real path (socket
// check, `docker save` into a private spool, read once, spool removed on
// Close). This machine has the docker CLI but no engine, so the docker on
// PATH here is a stand-in that answers `save -o FILE REF` the way the CLI
// does: with a docker-save archive, or the daemon's error and exit 1.
func TestDaemonSource(t *testing.T) {
	dir := t.TempDir()
	fixture := filepath.Join(dir, "fixture.tar")
	img := imagetest.Insecure(t)
	imagetest.WriteDockerArchive(t, fixture, img, "app:1")
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\n" +
		"[ \"$1\" = save ] && [ \"$2\" = -o ] || { echo \"unexpected: $*\" >&2; exit 64; }\n" +
		"case \"$4\" in app:1) cp '" + fixture + "' \"$3\" ;; *) echo \"Error response from daemon: reference does not exist\" >&2; exit 1 ;; esac\n"
	if err := os.WriteFile(filepath.Join(bin, "docker"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	sock := filepath.Join(dir, "docker.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	src, err := Open(context.Background(), "docker-daemon:app:1", SourceOptions{DockerSocket: sock})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if !src.Local {
		t.Error("a daemon export is read from disk and should be marked Local")
	}
	// docker save rewrites the manifest; the image ID (config digest) stays.
	want, _ := img.ConfigName()
	if got, _ := src.Image.ConfigName(); got != want {
		t.Errorf("opened image %s, want the exported image %s", got, want)
	}
	res, err := Run(context.Background(), src.Image, Options{Ref: "docker-daemon:app:1", Policy: DefaultPolicy()})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	if len(res.Observations) == 0 {
		t.Error("the insecure fixture gave no findings through the daemon source")
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 1 {
		t.Errorf("want one private spool dir while open, got %d", len(entries))
	}
	src.Close()
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("spool left behind after Close: %v", entries)
	}

	_, err = Open(context.Background(), "docker-daemon:missing:2", SourceOptions{DockerSocket: sock})
	if err == nil || !strings.Contains(err.Error(), "docker save failed") || !strings.Contains(err.Error(), "reference does not exist") {
		t.Errorf("missing image: got %v", err)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("spool left behind after a failed export: %v", entries)
	}
}
