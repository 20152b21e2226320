package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/secrets/secretstest"
)

// asMain makes this test binary behave as crank-gate itself: the tests
// below start it as a child process, so they exercise the real main
// (signal handling, exit codes) without a separate build of the gate.
const asMain = "CRANK_GATE_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMain) != "" {
		os.Args = append([]string{"crank-gate"}, os.Args[1:]...)
		main()
		return
	}
	code := m.Run()
	if binCopy != "" {
		os.RemoveAll(filepath.Dir(binCopy))
	}
	os.Exit(code)
}

// gate returns a command running crank-gate with args; the binary is a
// copy of this test binary in a world-readable directory, so that it can
// also be started as another user.
func gate(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(gateBinary(t), args...)
	cmd.Env = append(os.Environ(), asMain+"=1", "NO_COLOR=1")
	return cmd
}

var binCopy string

func gateBinary(t *testing.T) string {
	t.Helper()
	if binCopy != "" {
		return binCopy
	}
	dir, err := os.MkdirTemp("", "crank-gate-main-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	p := filepath.Join(dir, "crank-gate")
	out, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	binCopy = p
	return p
}

// waitExit waits for cmd (bounded: a run that ignores signals is killed
// and fails the test) and returns its exit code and how long it took.
func waitExit(t *testing.T, cmd *exec.Cmd, done <-chan error, from time.Time) (int, time.Duration) {
	t.Helper()
	select {
	case err := <-done:
		d := time.Since(from)
		var ee *exec.ExitError
		if err == nil {
			return 0, d
		}
		if !errors.As(err, &ee) {
			t.Fatalf("wait: %v", err)
		}
		return ee.ExitCode(), d
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("%s still running 15 s after the signal", strings.Join(cmd.Args, " "))
	}
	return 0, 0
}

// runToEnd runs cmd to its end (bounded) and returns its exit code and
// output.
func runToEnd(t *testing.T, cmd *exec.Cmd) (int, string, string) {
	t.Helper()
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	code, _ := waitExit(t, cmd, done, time.Now())
	return code, stdout.String(), stderr.String()
}

// signalAfterStart starts cmd, gives it time to reach its blocking read,
// sends sig (twice when twice) and returns the exit code and the time
// from the first signal to the exit.
func signalAfterStart(t *testing.T, cmd *exec.Cmd, sig syscall.Signal, twice bool) (int, time.Duration) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Long enough for initialisation (gitleaks' and Trivy's tables) on a
	// busy machine; the command then waits on input forever.
	time.Sleep(3 * time.Second)
	select {
	case err := <-done:
		t.Fatalf("%s ended before the signal: %v", strings.Join(cmd.Args, " "), err)
	default:
	}
	from := time.Now()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	if twice {
		// Apart, or the kernel merges the two pending signals into one.
		time.Sleep(100 * time.Millisecond)
		cmd.Process.Signal(sig)
	}
	return waitExit(t, cmd, done, from)
}

// TestSignalEndsLintOnEndlessStdin: lint reading a stdin that never ends
// stops on SIGTERM with 143 and SIGINT with 130, and the report it was
// asked for says the run failed instead of being missing or passing.
func TestSignalEndsLintOnEndlessStdin(t *testing.T) {
	for _, c := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGTERM, 143}, {syscall.SIGINT, 130}} {
		dir := t.TempDir()
		out := filepath.Join(dir, "out.json")
		cmd := gate(t, "lint", "--format", "json="+out, "-")
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		defer stdin.Close()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		// Some input, then nothing: the read never reaches EOF.
		go stdin.Write([]byte("FROM scratch\nUSER 1000\n"))
		code, took := signalAfterStart(t, cmd, c.sig, false)
		t.Logf("%v: exit %d after %v", c.sig, code, took)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d; stderr: %s", c.sig, code, c.code, stderr.String())
		}
		var doc struct {
			Summary struct{ Failed bool }
			Errors  []struct{ Message string }
		}
		data, err := os.ReadFile(out)
		if err != nil || json.Unmarshal(data, &doc) != nil || !doc.Summary.Failed || len(doc.Errors) == 0 || !strings.Contains(doc.Errors[len(doc.Errors)-1].Message, "interrupted") {
			t.Errorf("%v: report = %s (%v)", c.sig, data, err)
		}
		if !strings.Contains(stderr.String(), "interrupted") {
			t.Errorf("%v: stderr does not say interrupted: %s", c.sig, stderr.String())
		}
	}
}

// TestSignalEndsABlockedWrite: a system call blocked in the kernel cannot
// be cancelled (here the open of a report FIFO nobody reads, which
// --format json=FIFO asks for), so main exits on its own one second after
// the signal, and at once on a second one.
func TestSignalEndsABlockedWrite(t *testing.T) {
	for _, twice := range []bool{false, true} {
		dir := t.TempDir()
		fifo := filepath.Join(dir, "report.json")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\nUSER 1000\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := gate(t, "lint", "--format", "json="+fifo, filepath.Join(dir, "Dockerfile"))
		code, took := signalAfterStart(t, cmd, syscall.SIGTERM, twice)
		t.Logf("twice=%v: exit %d after %v", twice, code, took)
		if code != 143 {
			t.Errorf("twice=%v: exit %d, want 143", twice, code)
		}
		// Not a timing assertion: without the grace period's forced exit
		// the process would still be blocked, and waitExit's timeout fails.
	}
}

// TestSecretsRefusesSpecialConfigFiles: a --config or --gitleaks-ignore
// that is a FIFO or a device is refused at once (it used to block).
func TestSecretsRefusesSpecialConfigFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "gitleaks.toml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--config", fifo}, {"--gitleaks-ignore", "/dev/zero"}} {
		code, _, stderr := runToEnd(t, gate(t, append(append([]string{"secrets"}, args...), dir)...))
		if code != 2 || !strings.Contains(stderr, "not a regular file") {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
}

// TestSecretsSymlinkToFIFOAndDevZero is the hang: with
// --follow-symlinks, links to a FIFO and /dev/zero are skipped with a
// notice, and the run ends with the token found (exit 1).
func TestSecretsSymlinkToFIFOAndDevZero(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"a-pipe": filepath.Join(dir, "pipe"), "a-zero": "/dev/zero"} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "leak.env"), []byte("GITHUB_TOKEN="+secretstest.GitHubPAT(21)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runToEnd(t, gate(t, "secrets", "--follow-symlinks", dir))
	if code != 1 || !strings.Contains(stdout, "1 file(s), 1 finding(s)") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
	for _, n := range []string{"a-pipe: not a regular file (named pipe)", "a-zero: not a regular file (character device)"} {
		if !strings.Contains(stderr, n) {
			t.Errorf("stderr lacks %q:\n%s", n, stderr)
		}
	}
}

// TestSecretsUnreadableAsNonRoot runs crank-gate secrets as uid 65534 (or
// as the current user when that is not root)
// over a tree with a file and a directory only root may read: exit 2
// naming both, and with --skip-unreadable a notice for each and the
// verdict on the rest (exit 1 for the readable file's token).
func TestSecretsUnreadableAsNonRoot(t *testing.T) {
	base, err := os.MkdirTemp("", "crank-gate-unreadable-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(base)
	os.Chmod(base, 0o755)
	mk := func(rel, content string, mode os.FileMode) {
		p := filepath.Join(base, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
	}
	mk("tree/ok.env", "GITHUB_TOKEN="+secretstest.GitHubPAT(22)+"\n", 0o644)
	mk("tree/root-only.env", "x\n", 0o600)
	mk("tree/private/inner.env", "x\n", 0o644)
	os.Chmod(filepath.Join(base, "tree/private"), 0o700)
	run := func(args ...string) (int, string, string) {
		cmd := gate(t, args...)
		if os.Geteuid() == 0 {
			// Root reads everything; as any other user the modes apply as they are.
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		cmd.Dir = base
		return runToEnd(t, cmd)
	}
	tree := filepath.Join(base, "tree")
	code, stdout, stderr := run("secrets", tree)
	if code != 2 || !strings.Contains(stderr, "root-only.env: cannot be read") || !strings.Contains(stderr, "private: cannot be read") || !strings.Contains(stdout, "ERROR (run incomplete, 2 error(s)") {
		t.Errorf("without --skip-unreadable: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = run("secrets", "--skip-unreadable", tree)
	if code != 1 || !strings.Contains(stderr, "not scanned, cannot be read (--skip-unreadable)") || !strings.Contains(stdout, "1 file(s), 1 finding(s)") {
		t.Errorf("with --skip-unreadable: exit %d\n%s%s", code, stdout, stderr)
	}
}
