// Package crankcaptest builds the crank-cap binary and runs it as a child
// process for end-to-end tests (nginx, Prometheus, the provider's
// certificates). crank-cap refuses to run as root, so when the tests run
// as root the child runs as nobody and the test's files are made readable.
package crankcaptest

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/examples/worker/workertest"
)

// nobody is the unprivileged user the child runs as when the test is root.
const nobody = 65534

var build = sync.OnceValues(func() (string, error) {
	binary, err := workertest.Build("github.com/crank-platform/terraform-provider-crank/cap/cmd/crank-cap")
	if err != nil {
		return "", err
	}
	// The unprivileged child must be able to run it.
	return binary, os.Chmod(filepath.Dir(binary), 0o755)
})

// Binary builds crank-cap once per test process and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	binary, err := build()
	if err != nil {
		t.Fatal(err)
	}
	return binary
}

// ShareWithChild makes dir and the directories above it traversable and
// its files readable by the unprivileged child when the test runs as
// root (test files only: they hold test keys).
func ShareWithChild(t testing.TB, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		return
	}
	err := filepath.WalkDir(dir, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if entry.IsDir() {
			return os.Chmod(path, 0o755)
		}
		return os.Chmod(path, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	for parent := filepath.Dir(dir); parent != "/" && parent != "."; parent = filepath.Dir(parent) {
		info, err := os.Stat(parent)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(parent, info.Mode().Perm()|0o011); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Server is a running crank-cap and its log.
type Server struct {
	*workertest.Worker
	// Addrs maps each API (ext_authz, auth_request, metrics) to the
	// address it listens on.
	Addrs map[string]string
}

// Command is crank-cap with args, as an unprivileged user when the test
// runs as root.
func Command(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(Binary(t), args...)
	if os.Geteuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	}
	return cmd
}

// Start runs crank-cap -config configPath and waits until each of apis
// listens. It is stopped, and its log shown on failure, when the test ends.
func Start(t testing.TB, configPath string, apis ...string) *Server {
	t.Helper()
	ShareWithChild(t, filepath.Dir(configPath))
	s := &Server{Worker: workertest.StartProcess(t, Command(t, "-config", configPath)), Addrs: map[string]string{}}
	for _, api := range apis {
		for mark := 0; s.Addrs[api] == ""; {
			line := s.WaitForLogSince(t, mark, "crank-cap listening")
			mark = slices.Index(s.Log(), line) + 1
			var entry struct{ API, Addr string }
			if err := json.Unmarshal([]byte(line), &entry); err != nil {
				t.Fatalf("cannot read the listen address from %q: %v", line, err)
			}
			s.Addrs[entry.API] = entry.Addr
		}
	}
	return s
}
