package hostile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// gate is the crank-gate binary built once by TestMain.
var gate string

func TestMain(m *testing.M) {
	if os.Getenv(spawnEnv) != "" {
		spawn()
	}
	dir, err := os.MkdirTemp("", "crank-gate-hostile-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	gate = filepath.Join(dir, "crank-gate")
	build := exec.Command("go", "build", "-o", gate, "github.com/crank-platform/terraform-provider-crank/gate/cmd/crank-gate")
	build.Env = append(os.Environ(), "GOEXPERIMENT=jsonv2")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building crank-gate: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// maxRSSKiB is the memory bound every case must stay under (512 MiB).
const maxRSSKiB = 512 << 10

type run struct {
	code           int
	stdout, stderr string
	rssKiB         int64
	took           time.Duration
}

// spawnEnv makes the test binary a small launcher: Linux charges a child
// started by a large process (this test, which holds generated inputs)
// with the parent's peak RSS, because Go starts children with a vfork
// that shares the parent's memory until exec. The launcher is small, so
// the rusage of the gate it starts is the gate's own.
const spawnEnv = "CRANK_HOSTILE_SPAWN"

// spawn runs os.Args[1:], then reports its exit code and peak RSS on
// fd 3 and exits.
func spawn() {
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = slicesDelete(os.Environ(), spawnEnv)
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprintln(os.Stderr, "launcher:", err)
		os.Exit(125)
	}
	report := os.NewFile(3, "report")
	fmt.Fprintf(report, "%d %d\n", cmd.ProcessState.ExitCode(), cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
	report.Close()
	os.Exit(0)
}

func slicesDelete(env []string, key string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// gateRun runs crank-gate image with args in dir, killed at budget.
func gateRun(t *testing.T, dir string, budget time.Duration, args ...string) run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, self, append([]string{gate, "image", "--no-vulns", "--no-color"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), spawnEnv+"=1")
	// The launcher and the gate share a process group, so a hung gate is
	// killed with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.ExtraFiles = []*os.File{pw}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err = cmd.Start()
	pw.Close()
	if err != nil {
		t.Fatal(err)
	}
	reported := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(pr)
		pr.Close()
		reported <- string(b)
	}()
	err = cmd.Wait()
	r := run{stdout: out.String(), stderr: errb.String(), took: time.Since(start)}
	if ctx.Err() != nil {
		t.Fatalf("crank-gate did not end within its budget of %s (killed); stderr:\n%s", budget, tail(r.stderr))
	}
	if err != nil {
		t.Fatalf("launcher: %v; stderr:\n%s", err, tail(r.stderr))
	}
	if _, err := fmt.Sscanf(<-reported, "%d %d", &r.code, &r.rssKiB); err != nil {
		t.Fatalf("launcher report: %v", err)
	}
	check(t, r)
	return r
}

// check holds every run to the suite's invariants.
func check(t *testing.T, r run) {
	t.Helper()
	for _, bad := range []string{"panic:", "fatal error:", "goroutine "} {
		if strings.Contains(r.stderr, bad) || strings.Contains(r.stdout, bad) {
			t.Fatalf("crank-gate crashed (%q in its output):\n%s", bad, tail(r.stderr))
		}
	}
	if r.rssKiB >= maxRSSKiB {
		t.Errorf("peak RSS %d KiB, above the %d KiB bound", r.rssKiB, maxRSSKiB)
	}
	t.Logf("exit %d, peak RSS %d KiB, %s", r.code, r.rssKiB, r.took.Round(time.Millisecond))
}

func tail(s string) string {
	if len(s) > 4000 {
		return "..." + s[len(s)-4000:]
	}
	return s
}

// expect asserts the exit code and a substring of stderr (exit 2) or
// stdout (findings).
func expect(t *testing.T, r run, code int, msg string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d; stderr:\n%s\nstdout:\n%s", r.code, code, tail(r.stderr), tail(r.stdout))
	}
	where := r.stderr
	if code != 2 {
		where = r.stdout
	}
	if !strings.Contains(where, msg) {
		t.Fatalf("output lacks %q; stderr:\n%s\nstdout:\n%s", msg, tail(r.stderr), tail(r.stdout))
	}
}

const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n"

func plainLayer(t *testing.T, ms ...member) ([]byte, string) {
	b := layerTar(t, ms...)
	return b, digest(b)
}

func gzLayer(t *testing.T, ms ...member) ([]byte, string) {
	b := layerTar(t, ms...)
	return gz(t, b), digest(b)
}

func cleanLayer(t *testing.T) ([]byte, string) {
	return plainLayer(t, member{Name: "app/", Type: '5', Mode: 0o755}, member{Name: "app/run", Body: []byte("#!/bin/true\n"), Mode: 0o755})
}

// TestDuplicateEntries: a docker save archive with each entry twice, the
// clean copy first and the hostile one last, passed before (the gate read
// the first copy, docker load keeps the last).
func TestDuplicateEntries(t *testing.T) {
	dir := t.TempDir()
	clean, cleanID := cleanLayer(t)
	bad, badID := plainLayer(t, member{Name: "root/.ssh/id_rsa", Body: []byte(key), Mode: 0o600})
	for _, tc := range []struct{ name, second string }{
		{"same name", "config.json"},
		{"dot alias", "./config.json"},
		{"double slash", "l0//layer.tar"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".tar")
			second := member{Name: tc.second, Body: imageConfig(t, "0", badID)}
			if strings.Contains(tc.second, "layer") {
				second = member{Name: tc.second, Body: bad}
			}
			dockerArchive(t, file, "1000", [][]byte{clean}, []string{cleanID}, second)
			expect(t, gateRun(t, dir, 30*time.Second, "docker-archive:"+file), 2, "appears twice")
		})
	}
}

// TestReplacedBlobs: OCI layout blobs whose content no longer hashes to
// the digest that names them.
func TestReplacedBlobs(t *testing.T) {
	// Incompressible content, so a hostile replacement fits in its size.
	noise := make([]byte, 4096)
	rand.NewChaCha8([32]byte{1}).Read(noise)
	l, id := gzLayer(t, member{Name: "app/run", Body: noise, Mode: 0o755})
	for _, which := range []string{"config", "layer", "manifest", "layer size"} {
		t.Run(which, func(t *testing.T) {
			dir := t.TempDir()
			w := ociLayout(t, dir, ociImage{Layers: [][]byte{l}, DiffIDs: []string{id}})
			target := map[string]string{"config": w.config, "layer": w.layers[0], "manifest": w.manifest, "layer size": w.layers[0]}[which]
			data, err := os.ReadFile(w.blob(target))
			if err != nil {
				t.Fatal(err)
			}
			switch which {
			case "layer":
				data, _ = gzLayer(t, member{Name: "root/.ssh/id_rsa", Body: []byte(key)})
				data = append(data, make([]byte, len(l)-len(data))...)[:len(l)]
			case "layer size":
				data = append(data, 0)
			default:
				// Same length, other bytes: only the digest can tell.
				data = bytes.Replace(data, []byte(`"1000"`), []byte(`"0000"`), 1)
				data = bytes.Replace(data, []byte(`v1+json"`), []byte(`v1+jsoN"`), 1)
			}
			if err := os.WriteFile(w.blob(target), data, 0o644); err != nil {
				t.Fatal(err)
			}
			msg := "does not match its digest"
			if which == "layer size" {
				msg = "larger than its descriptor's size"
			}
			r := gateRun(t, dir, 30*time.Second, "oci:"+dir)
			expect(t, r, 2, msg)
			if !strings.Contains(r.stderr, target) && !strings.Contains(r.stderr, target[7:]) {
				t.Errorf("the message does not name the blob %s:\n%s", target, r.stderr)
			}
		})
	}
}
