package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, dir, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return runCLIEnv(t, dir, stdin, nil, args...)
}

// runCLIEnv is runCLI with an environment (nil: empty).
func runCLIEnv(t *testing.T, dir, stdin string, environ map[string]string, args ...string) (int, string, string) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return environ[k] }, Version: "test"})
	return code, out.String(), errb.String()
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "clean/Dockerfile", "FROM scratch\nUSER 1000\n")
	write(t, dir, "bad/app.Dockerfile", "FROM debian\nUSER root\n")
	write(t, dir, "broken/Containerfile", "FROM a\nRUN <<EOF\nnever ends\n")
	write(t, dir, "bad/notes.txt", "FROM debian\n")

	if code, out, errs := runCLI(t, dir, "", "lint", "--only", "DL3006,DL3002", "clean"); code != ExitPass {
		t.Errorf("clean: code %d\n%s%s", code, out, errs)
	}
	code, out, _ := runCLI(t, dir, "", "lint", "bad")
	if code != ExitFindings || !strings.Contains(out, "DL3006") || strings.Contains(out, "notes.txt") {
		t.Errorf("bad: code %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, dir, "", "lint", "--only", "DL3006,DL3002", "--fail-on", "error", "bad"); code != ExitPass {
		t.Errorf("--fail-on error: code %d", code)
	}
	if code, _, _ := runCLI(t, dir, "", "lint", "--fail-on", "none", "bad"); code != ExitPass {
		t.Errorf("--fail-on none: code %d", code)
	}
	if code, _, errs := runCLI(t, dir, "", "lint", "broken"); code != ExitError || !strings.Contains(errs, "unterminated heredoc") {
		t.Errorf("broken: code %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, dir, "", "lint", "--fail-on", "loud", "clean"); code != ExitError || !strings.Contains(errs, "unknown severity") {
		t.Errorf("bad flag: %d %s", code, errs)
	}
	if code, _, _ := runCLI(t, dir, "", "lint", "missing"); code != ExitError {
		t.Errorf("missing path: code %d", code)
	}
	if code, out, _ := runCLI(t, dir, "FROM debian\n", "lint", "--only", "DL3006", "-"); code != ExitFindings || !strings.Contains(out, "DL3006") {
		t.Errorf("stdin: %d %s", code, out)
	}
	if code, _, errs := runCLI(t, dir, "", "lint", "--format", "json", "--format", "tty", "clean"); code != ExitError || !strings.Contains(errs, "only one format") {
		t.Errorf("two stdout formats: %d %s", code, errs)
	}
}

func TestMultipleFormatsAndBuildArgs(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", "ARG IMG\nFROM $IMG\n")
	code, _, errs := runCLI(t, dir, "", "lint", "--only", "DL3006", "--build-arg", "IMG=debian",
		"--format", "json=out.json", "--format", "sarif=out.sarif", "--format", "tty", ".")
	if code != ExitFindings {
		t.Fatalf("code %d %s", code, errs)
	}
	var doc struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
			Line   int    `json:"line"`
		} `json:"findings"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "out.json"))
	if err != nil || json.Unmarshal(data, &doc) != nil || len(doc.Findings) != 1 || doc.Findings[0].RuleID != "DL3006" {
		t.Fatalf("json output: %v %s", err, data)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.sarif")); err != nil {
		t.Errorf("sarif not written: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestConfigDiscoveryAndErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", "FROM debian\n")
	write(t, dir, ".hadolint.yaml", "ignored: [DL3006]\n")
	// Rules are not named here on purpose: --only would override the ignore.
	if _, out, errs := runCLI(t, dir, "", "lint"); strings.Contains(out, "DL3006") || errs != "" {
		t.Errorf("hadolint ignored: %s %s", out, errs)
	}
	write(t, dir, ".crank-gate.yaml", "fail_on: error\n")
	if code, _, errs := runCLI(t, dir, "", "lint"); code != ExitError || !strings.Contains(errs, "fail_on") {
		t.Errorf("unknown key: %d %s", code, errs)
	}
}

func TestRulesCommand(t *testing.T) {
	for _, f := range []string{"table", "json", "markdown"} {
		code, out, _ := runCLI(t, t.TempDir(), "", "rules", "--format", f)
		if code != ExitPass || !strings.Contains(out, "DL3006") {
			t.Errorf("rules --format %s: %d %s", f, code, out)
		}
	}
	if code, out, _ := runCLI(t, t.TempDir(), "", "version"); code != 0 || out != "crank-gate test\n" {
		t.Errorf("version: %q", out)
	}
}

func TestDiscoverNames(t *testing.T) {
	for name, want := range map[string]bool{"Dockerfile": true, "Dockerfile.dev": true, "api.Dockerfile": true, "Containerfile": true,
		"Dockerfile.dockerignore": false, "dockerfile.go": false, "dockerfile": true, "README.md": false, ".dockerignore": false} {
		if IsDockerfileName(name) != want {
			t.Errorf("%s: want %v", name, want)
		}
	}
}
