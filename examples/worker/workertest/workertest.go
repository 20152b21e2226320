// Package workertest runs examples/worker as a child process and calls it
// with the real curl binary, for the end-to-end tests of the worker itself
// and of the provider (certificates and bundle issued by Terraform).
package workertest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var build = sync.OnceValues(func() (string, error) {
	return Build("github.com/crank-platform/terraform-provider-crank/examples/worker")
})

// Build compiles the command at importPath (any package of this module)
// into a fresh temporary directory and returns the binary's path.
func Build(importPath string) (string, error) {
	name := path.Base(importPath)
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("the go command is not on PATH; it is needed to build " + name + " for the end-to-end test")
	}
	dir, err := os.MkdirTemp("", name+"-bin-")
	if err != nil {
		return "", err
	}
	binary := filepath.Join(dir, name)
	// The import path builds from anywhere inside the module.
	out, err := exec.Command(goTool, "build", "-o", binary, importPath).CombinedOutput()
	if err != nil {
		return "", errors.New("go build " + importPath + ": " + string(out))
	}
	return binary, nil
}

// Binary builds examples/worker once per test process and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	binary, err := build()
	if err != nil {
		t.Fatal(err)
	}
	return binary
}

// RequireTool finds a command the end-to-end tests need, failing (never
// skipping) with the Debian package to install.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is required for the end-to-end test and was not found on PATH (install the Debian package %q)", name, name)
	}
	return path
}

// Worker is the worker process plus its log, read line by line.
type Worker struct {
	// Addr is the address the worker logged it listens on.
	Addr  string
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	added chan struct{}
}

// Start runs the worker with args and waits until it listens. It is
// stopped, and its log shown on failure, when the test ends.
func Start(t testing.TB, args ...string) *Worker {
	t.Helper()
	w := StartProcess(t, exec.Command(Binary(t), args...))
	line := w.WaitForLog(t, "worker listening")
	var entry struct{ Addr string }
	if err := json.Unmarshal([]byte(line), &entry); err != nil || entry.Addr == "" {
		t.Fatalf("cannot read the listen address from %q: %v", line, err)
	}
	w.Addr = entry.Addr
	return w
}

// StartProcess starts cmd, a server that logs JSON lines to stderr, and
// collects its log; it is stopped with SIGTERM, and its log shown on
// failure, when the test ends. Other servers' tests (crank-cap) use it.
func StartProcess(t testing.TB, cmd *exec.Cmd) *Worker {
	t.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &Worker{cmd: cmd, added: make(chan struct{}, 1)}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s log:\n%s", filepath.Base(cmd.Path), strings.Join(w.snapshot(), "\n"))
		}
	})
	go func() {
		scanner := bufio.NewScanner(stderr)
		for scanner.Scan() {
			w.mu.Lock()
			w.lines = append(w.lines, scanner.Text())
			w.mu.Unlock()
			select {
			case w.added <- struct{}{}:
			default:
			}
		}
	}()
	return w
}

// Signal sends sig to the worker (SIGHUP reloads its files).
func (w *Worker) Signal(t testing.TB, sig os.Signal) {
	t.Helper()
	if err := w.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

func (w *Worker) snapshot() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.lines)
}

// WaitForLog waits for the worker to log an event and returns that line;
// the deadline only guards against a hung process, it does not pace the test.
func (w *Worker) WaitForLog(t testing.TB, message string) string {
	t.Helper()
	return w.WaitForLogSince(t, 0, message)
}

// Mark is the number of log lines so far, for WaitForLogSince.
func (w *Worker) Mark() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.lines)
}

// Log returns the log lines written so far.
func (w *Worker) Log() []string { return w.snapshot() }

// WaitForLogSince is WaitForLog over the lines after mark, so an event
// that happens twice in a test is waited for the second time.
func (w *Worker) WaitForLogSince(t testing.TB, mark int, message string) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		lines := w.snapshot()
		for _, line := range lines[min(mark, len(lines)):] {
			if strings.Contains(line, `"msg":"`+message) {
				return line
			}
		}
		select {
		case <-w.added:
		case <-deadline:
			t.Fatalf("worker did not log %q; log so far:\n%s", message, strings.Join(w.snapshot(), "\n"))
		}
	}
}

// CurlResult is what one curl call saw.
type CurlResult struct {
	ExitCode int
	// Status is curl's %{http_code}: "000" when no HTTP response came back.
	Status  string
	Headers string
	Body    []byte
	Stderr  string
}

// Curl runs the real curl trusting caFile; cert names <dir>/<cert>.pem and
// <dir>/<cert>.key, and "" sends no client certificate.
func Curl(t testing.TB, dir, caFile, cert, method, url string) CurlResult {
	t.Helper()
	bodyFile, headerFile := filepath.Join(dir, "body.out"), filepath.Join(dir, "headers.out")
	_ = os.Remove(bodyFile)
	_ = os.Remove(headerFile)
	args := []string{"-sS", "--max-time", "20", "--cacert", caFile, "-X", method, "-o", bodyFile, "-D", headerFile, "-w", "%{http_code}"}
	if cert != "" {
		args = append(args, "--cert", filepath.Join(dir, cert+".pem"), "--key", filepath.Join(dir, cert+".key"))
	}
	cmd := exec.Command(RequireTool(t, "curl"), append(args, url)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	result := CurlResult{Status: stdout.String(), Stderr: stderr.String()}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		result.ExitCode = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("run curl: %v", err)
	}
	result.Body, _ = os.ReadFile(bodyFile)
	headers, _ := os.ReadFile(headerFile)
	result.Headers = string(headers)
	return result
}
