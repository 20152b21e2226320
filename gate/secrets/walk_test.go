package secrets_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/secrets"
	"github.com/crank-platform/terraform-provider-crank/gate/secrets/secretstest"
)

// scanWithin runs Scan and fails the test if it has not returned within
// budget: a FIFO or /dev/zero that is opened or read hangs it.
func scanWithin(t *testing.T, budget time.Duration, opts secrets.Options) *secrets.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	type out struct {
		res *secrets.Result
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := secrets.Scan(ctx, opts)
		done <- out{res, err}
	}()
	select {
	case o := <-done:
		if o.err != nil {
			t.Fatalf("Scan: %v", o.err)
		}
		return o.res
	case <-time.After(budget + 5*time.Second):
		t.Fatalf("Scan of %s still running after %v", opts.Path, budget)
	}
	return nil
}

// TestWalkOpensOnlyRegularFiles puts a FIFO, a socket and links to a
// FIFO, /dev/zero and /dev/urandom beside a leaked token: with and
// without --follow-symlinks the scan ends, finds the token, counts the
// one file it scanned and names what it skipped.
func TestWalkOpensOnlyRegularFiles(t *testing.T) {
	root := t.TempDir()
	write(t, root, "app/config.go", "package app\n\nconst token = \""+secretstest.GitHubPAT(7)+"\"\n")
	if err := syscall.Mkfifo(filepath.Join(root, "app/pipe"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", filepath.Join(root, "app/sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for name, target := range map[string]string{"to-pipe": filepath.Join(root, "app/pipe"), "to-zero": "/dev/zero", "to-urandom": "/dev/urandom", "dangling": filepath.Join(root, "nowhere")} {
		if err := os.Symlink(target, filepath.Join(root, "app", name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, follow := range []bool{false, true} {
		res := scanWithin(t, 30*time.Second, secrets.Options{Path: root, FollowSymlinks: follow})
		if len(res.Secrets) != 1 || res.Secrets[0].Path != filepath.ToSlash(filepath.Join(root, "app/config.go")) && !strings.HasSuffix(res.Secrets[0].Path, "app/config.go") {
			t.Errorf("follow=%v: secrets = %+v", follow, res.Secrets)
		}
		if res.Files != 1 {
			t.Errorf("follow=%v: %d file(s) scanned, want 1", follow, res.Files)
		}
		if len(res.Unreadable) != 0 {
			t.Errorf("follow=%v: unreadable = %+v", follow, res.Unreadable)
		}
		skipped := map[string]string{}
		for _, p := range res.Skipped {
			skipped[filepath.Base(p.Path)] = p.Reason
		}
		want := []string{"pipe", "sock"}
		if follow {
			want = append(want, "to-pipe", "to-zero", "to-urandom", "dangling")
		}
		for _, w := range want {
			if skipped[w] == "" {
				t.Errorf("follow=%v: %s not reported as skipped (skipped: %v)", follow, w, skipped)
			}
		}
		if follow && !strings.Contains(skipped["to-zero"], "character device") {
			t.Errorf("to-zero: %q", skipped["to-zero"])
		}
	}
}

// TestWalkRootIsAFIFO: a FIFO given as the path itself.
func TestWalkRootIsAFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	res := scanWithin(t, 30*time.Second, secrets.Options{Path: p})
	if res.Files != 0 || len(res.Skipped) != 1 {
		t.Errorf("files=%d skipped=%+v", res.Files, res.Skipped)
	}
}

// unreadableEnv marks the child process of TestWalkUnreadableAsNonRoot.
const unreadableEnv = "CRANK_SECRETS_UNREADABLE_CHILD"

// TestWalkUnreadableAsNonRoot scans a tree with a file and a directory
// its user may not read. As root (which reads everything) the scan runs
// in a copy of this test binary started as uid/gid 65534; as any other
// user, in this process. Both are reported as unreadable, the readable
// file is still scanned and counted.
func TestWalkUnreadableAsNonRoot(t *testing.T) {
	// t.TempDir's parent is private (0700); the child user must reach
	// its copy of the binary and the tree.
	base, err := os.MkdirTemp("", "crank-unreadable-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(base, "tree")
	write(t, root, "ok.txt", "token = \""+secretstest.GitHubPAT(8)+"\"\n")
	write(t, root, "secret.txt", "aws = "+secretstest.AWSAccessKeyID(9)+"\n")
	write(t, root, "closed/inner.txt", "aws = "+secretstest.AWSAccessKeyID(10)+"\n")
	for _, p := range []string{root, filepath.Join(root, "closed")} {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(root, "secret.txt"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(root, "closed"), 0o700); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(filepath.Join(root, "closed"), 0o755) // so TempDir can clean up as non-root
	var res walkResult
	if os.Geteuid() != 0 {
		res = runUnreadableScan(root)
	} else {
		bin := filepath.Join(base, "secrets.test")
		copyFile(t, os.Args[0], bin)
		cmd := exec.Command(bin, "-test.run=^$")
		cmd.Env = append(os.Environ(), unreadableEnv+"="+root)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		cmd.Dir = base
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("child as uid 65534: %v\n%s", err, out)
		}
		line := out
		if i := strings.Index(string(out), "{"); i >= 0 {
			line = out[i:]
		}
		if j := strings.Index(string(line), "\n"); j >= 0 {
			line = line[:j]
		}
		if err := json.Unmarshal(line, &res); err != nil {
			t.Fatalf("child output: %v\n%s", err, out)
		}
	}
	if res.Err != "" {
		t.Fatal(res.Err)
	}
	unreadable := map[string]bool{}
	for _, p := range res.Unreadable {
		unreadable[filepath.Base(p.Path)] = strings.Contains(p.Reason, "permission denied")
	}
	if len(unreadable) != 2 || !unreadable["secret.txt"] || !unreadable["closed"] {
		t.Errorf("unreadable = %+v", res.Unreadable)
	}
	if res.Files != 1 || res.Secrets != 1 {
		t.Errorf("files=%d secrets=%d, want the one readable file and its token", res.Files, res.Secrets)
	}
}

type walkResult struct {
	Err        string
	Files      int
	Secrets    int
	Unreadable []secrets.Problem
}

func runUnreadableScan(root string) walkResult {
	res, err := secrets.Scan(context.Background(), secrets.Options{Path: root})
	if err != nil {
		return walkResult{Err: err.Error()}
	}
	return walkResult{Files: res.Files, Secrets: len(res.Secrets), Unreadable: res.Unreadable}
}

// TestMain runs the non-root side of TestWalkUnreadableAsNonRoot when
// started as that test's child, and the tests otherwise.
func TestMain(m *testing.M) {
	if root := os.Getenv(unreadableEnv); root != "" {
		b, _ := json.Marshal(runUnreadableScan(root))
		fmt.Println(string(b))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
