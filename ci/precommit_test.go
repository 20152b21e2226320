package ci_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/secrets/secretstest"
)

// preCommitRepo is a fresh git repository with the gate on PATH, as a
// developer who installed crank-gate has it.
type preCommitRepo struct {
	t   *testing.T
	dir string
	env []string
}

func newPreCommitRepo(t *testing.T) *preCommitRepo {
	t.Helper()
	requireTool(t, "git", "apt-get install git")
	requireTool(t, "pre-commit", "apt-get install pre-commit")
	r := &preCommitRepo{t: t, dir: t.TempDir()}
	home := t.TempDir()
	r.env = append(os.Environ(),
		"PATH="+filepath.Dir(gateBin)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+home, "PRE_COMMIT_HOME="+filepath.Join(home, "pre-commit"),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org", "NO_COLOR=1")
	r.run("git", "init", "-q", "-b", "main")
	return r
}

func (r *preCommitRepo) run(name string, args ...string) (string, int) {
	r.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = r.dir
	cmd.Env = r.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		}
		r.t.Fatalf("%s: %v", name, err)
	}
	return string(out), 0
}

func (r *preCommitRepo) write(name, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// hooks runs this repository's hooks on what is staged, through
// `pre-commit try-repo`, which clones the hook repository (with uncommitted
// changes, so the working copy under test is what runs) exactly as a
// `repos:` entry pointing at it would.
func (r *preCommitRepo) hooks(ids ...string) (string, int) {
	r.t.Helper()
	var out strings.Builder
	worst := 0
	for _, id := range ids {
		o, code := r.run("pre-commit", "try-repo", repoRoot(), id, "--color", "never")
		out.WriteString(o)
		worst = max(worst, code)
	}
	return out.String(), worst
}

const cleanDockerfile = `# syntax=docker/dockerfile:1
FROM gcr.io/distroless/static-debian12:nonroot@sha256:` + "6ec5aa99dc335666e79dc64e4a6c8b89c33a543a1967f20d360922a80dd21f02" + `
COPY --chown=1000:1000 app /app
USER 1000:1000
HEALTHCHECK --interval=30s CMD ["/app", "-healthcheck"]
ENTRYPOINT ["/app"]
`

// TestPreCommitHooksPassCleanFiles: a clean Dockerfile and source file pass
// both hooks.
func TestPreCommitHooksPassCleanFiles(t *testing.T) {
	r := newPreCommitRepo(t)
	r.write("Dockerfile", cleanDockerfile)
	r.write("src/main.go", "package main\n\nfunc main() {}\n")
	r.run("git", "add", "-A")
	out, code := r.hooks("crank-gate-lint", "crank-gate-secrets")
	if code != 0 || strings.Count(out, "Passed") != 2 {
		t.Fatalf("want both hooks to pass, exit %d\n%s", code, out)
	}
}

// TestPreCommitHooksFailBadDockerfileAndSecret: a Dockerfile that breaks the
// rules fails the lint hook, a staged credential fails the secrets hook, and
// the credential itself never appears in the output.
func TestPreCommitHooksFailBadDockerfileAndSecret(t *testing.T) {
	r := newPreCommitRepo(t)
	token := secretstest.GitHubPAT(7)
	r.write("Dockerfile", "FROM ubuntu:latest\nRUN apt-get update && apt-get install curl\nUSER root\n")
	r.write("config/dev.env", "HELLO_API_TOKEN="+token+"\n")
	r.run("git", "add", "-A")
	out, code := r.run("pre-commit", "try-repo", repoRoot(), "crank-gate-lint", "--color", "never")
	if code != 1 || !strings.Contains(out, "Failed") || !strings.Contains(out, "DL3007") {
		t.Errorf("lint hook: want it to fail with DL3007 (FROM :latest), exit %d\n%s", code, out)
	}
	out, code = r.run("pre-commit", "try-repo", repoRoot(), "crank-gate-secrets", "--color", "never")
	if code != 1 || !strings.Contains(out, "Failed") || !strings.Contains(out, "github-pat") || !strings.Contains(out, "config/dev.env") {
		t.Errorf("secrets hook: want it to fail on github-pat in config/dev.env, exit %d\n%s", code, out)
	}
	if strings.Contains(out, token) {
		t.Error("the secrets hook printed the credential")
	}
}

// TestPreCommitSecretsScansTheIndex: the secrets hook checks what the
// commit records. A credential in a file that is not staged (a local .env)
// does not fail a commit that does not contain it, which a scan of the
// work tree would; one that is staged fails although the work tree copy
// was cleaned afterwards.
func TestPreCommitSecretsScansTheIndex(t *testing.T) {
	r := newPreCommitRepo(t)
	token := secretstest.GitHubPAT(8)
	r.write("notes.txt", "nothing here\n")
	r.write("local.env", "HELLO_API_TOKEN="+token+"\n") // never staged
	r.run("git", "add", "notes.txt")
	if out, code := r.hooks("crank-gate-secrets"); code != 0 {
		t.Fatalf("an unstaged secret must not fail the commit: exit %d\n%s", code, out)
	}
	r.write("notes.txt", "HELLO_API_TOKEN="+token+"\n")
	r.run("git", "add", "notes.txt")
	r.write("notes.txt", "nothing here\n") // the work tree is clean again, the index is not
	out, code := r.hooks("crank-gate-secrets")
	if code != 1 || !strings.Contains(out, "notes.txt") {
		t.Fatalf("a staged secret must fail although the work tree no longer has it: exit %d\n%s", code, out)
	}
}
