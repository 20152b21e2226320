// Package crankcaptest builds the crank-cap binary and runs it as a child
// process for end-to-end tests (nginx, Prometheus, the provider's
// certificates). crank-cap refuses to run as root, so when the tests run
// as root the child runs as nobody and the test's files are made readable.
package crankcaptest

import (
	"bufio"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// nobody is the unprivileged user the child runs as when the test is root.
const nobody = 65534

var build = sync.OnceValues(func() (string, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("the go command is not on PATH; it is needed to build crank-cap for the end-to-end test")
	}
	dir, err := os.MkdirTemp("", "crank-cap-bin-")
	if err != nil {
		return "", err
	}
	binary := filepath.Join(dir, "crank-cap")
	out, err := exec.Command(goTool, "build", "-o", binary, "github.com/crank-platform/terraform-provider-crank/cap/cmd/crank-cap").CombinedOutput()
	if err != nil {
		return "", errors.New("go build ./cap/cmd/crank-cap: " + string(out))
	}
	// The unprivileged child must be able to run it.
	return binary, os.Chmod(dir, 0o755)
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
	// Addrs maps each API (ext_authz, auth_request, metrics) to the
	// address it listens on.
	Addrs map[string]string
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	added chan struct{}
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

// Start runs crank-cap -config configPath and waits until apis listen.
// It is stopped, and its log shown on failure, when the test ends.
func Start(t testing.TB, configPath string, apis ...string) *Server {
	t.Helper()
	ShareWithChild(t, filepath.Dir(configPath))
	cmd := Command(t, "-config", configPath)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Server{Addrs: map[string]string{}, cmd: cmd, added: make(chan struct{}, 1)}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("crank-cap log:\n%s", strings.Join(s.Log(), "\n"))
		}
	})
	go func() {
		scanner := bufio.NewScanner(stderr)
		scanner.Buffer(make([]byte, 64<<10), 1<<20)
		for scanner.Scan() {
			s.mu.Lock()
			s.lines = append(s.lines, scanner.Text())
			s.mu.Unlock()
			select {
			case s.added <- struct{}{}:
			default:
			}
		}
	}()
	deadline := time.After(60 * time.Second)
	for len(s.Addrs) < len(apis) {
		for _, line := range s.Log() {
			var entry struct{ Msg, API, Addr string }
			if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "crank-cap listening" {
				s.Addrs[entry.API] = entry.Addr
			}
		}
		if len(s.Addrs) >= len(apis) {
			break
		}
		select {
		case <-s.added:
		case <-deadline:
			t.Fatalf("crank-cap did not listen on %v; log:\n%s", apis, strings.Join(s.Log(), "\n"))
		}
	}
	for _, api := range apis {
		if s.Addrs[api] == "" {
			t.Fatalf("crank-cap does not listen for %s; log:\n%s", api, strings.Join(s.Log(), "\n"))
		}
	}
	return s
}

// Log returns the log lines so far.
func (s *Server) Log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.lines)
}

// Signal sends sig to crank-cap (SIGHUP reloads its files).
func (s *Server) Signal(t testing.TB, sig os.Signal) {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// WaitForLog waits until crank-cap logs msg after the first mark lines.
func (s *Server) WaitForLog(t testing.TB, mark int, msg string) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		lines := s.Log()
		for _, line := range lines[min(mark, len(lines)):] {
			if strings.Contains(line, `"msg":"`+msg) {
				return line
			}
		}
		select {
		case <-s.added:
		case <-deadline:
			t.Fatalf("crank-cap did not log %q; log:\n%s", msg, strings.Join(s.Log(), "\n"))
		}
	}
}
