package secrets_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/report"
	"github.com/crank-platform/terraform-provider-crank/gate/secrets"
	"github.com/crank-platform/terraform-provider-crank/gate/secrets/secretstest"
)

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func scan(t *testing.T, opts secrets.Options) []secrets.Secret {
	t.Helper()
	res, err := secrets.Scan(context.Background(), opts)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return res.Secrets
}

func byRule(ss []secrets.Secret) map[string][]secrets.Secret {
	m := map[string][]secrets.Secret{}
	for _, s := range ss {
		m[s.RuleID] = append(m[s.RuleID], s)
	}
	return m
}

func TestScanDirectoryFindsSecretsAndRedactsEveryOutput(t *testing.T) {
	root := t.TempDir()
	pat := secretstest.GitHubPAT(1)
	aws := secretstest.AWSAccessKeyID(2)
	write(t, root, "app/config.go", "package app\n\nconst token = \""+pat+"\"\n")
	write(t, root, "deploy/env.sh", "#!/bin/sh\nexport AWS_ACCESS_KEY_ID="+aws+"\n")
	write(t, root, "README.md", "nothing to see\n")
	res, err := secrets.Scan(context.Background(), secrets.Options{Path: root})
	if err != nil {
		t.Fatal(err)
	}
	got := byRule(res.Secrets)
	if len(got["github-pat"]) != 1 || len(got["aws-access-token"]) != 1 || len(res.Secrets) != 2 {
		t.Fatalf("want one github-pat and one aws-access-token, got %+v", res.Secrets)
	}
	gh := got["github-pat"][0]
	if !strings.HasSuffix(gh.Path, "app/config.go") || gh.Line != 3 {
		t.Errorf("github-pat at %s:%d, want app/config.go:3", gh.Path, gh.Line)
	}
	fs := secrets.ToFindings(res.Secrets)
	rep := &report.Report{Tool: report.Tool{Name: "crank-gate", Version: "1.0.0"}, Findings: fs, Rules: res.Rules, Summary: findings.Summarize(fs, 3, 0, findings.Error)}
	for _, name := range report.Names() {
		r, err := report.New(name, report.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := r.Write(&buf, rep); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, secret := range []string{pat, aws, pat[4:20], aws[4:]} {
			if strings.Contains(buf.String(), secret) {
				t.Errorf("%s output contains (part of) a secret", name)
			}
		}
	}
	if !rep.Summary.Failed {
		t.Error("a secret must fail at the error threshold")
	}
}

// The fingerprint is content-based: moving the line keeps it, a different
// secret on the very same line changes it.
func TestFingerprintIgnoresLinesButNotContent(t *testing.T) {
	root := t.TempDir()
	pat := secretstest.GitHubPAT(3)
	write(t, root, "a.txt", "token="+pat+"\n")
	before := scan(t, secrets.Options{Path: root})
	write(t, root, "a.txt", "\n\n\n# moved down\ntoken="+pat+"\n")
	moved := scan(t, secrets.Options{Path: root})
	write(t, root, "a.txt", "token="+secretstest.GitHubPAT(4)+"\n")
	replaced := scan(t, secrets.Options{Path: root})
	if len(before) != 1 || len(moved) != 1 || len(replaced) != 1 {
		t.Fatalf("want one finding each, got %d, %d, %d", len(before), len(moved), len(replaced))
	}
	if before[0].Fingerprint != moved[0].Fingerprint {
		t.Error("moving a line changed the fingerprint")
	}
	if moved[0].Line == before[0].Line {
		t.Error("test setup: the line did not move")
	}
	if before[0].Fingerprint == replaced[0].Fingerprint {
		t.Error("a new secret on the same line kept the old fingerprint (it would hide behind a baseline)")
	}
}

func TestAllowCommentIgnoreFileAndCustomConfig(t *testing.T) {
	root := t.TempDir()
	write(t, root, "allowed.txt", "token="+secretstest.GitHubPAT(5)+" # gitleaks:allow\n")
	write(t, root, "ignored.txt", "x\ntoken="+secretstest.GitHubPAT(6)+"\n")
	write(t, root, "custom.txt", "ref CRANK-0123456789abcdef\n")
	rel := filepath.ToSlash(filepath.Join(root, "ignored.txt"))
	write(t, root, ".gitleaksignore", "# reviewed\n"+rel+":github-pat:2\n")
	got := byRule(scan(t, secrets.Options{Path: root}))
	if len(got) != 0 {
		t.Fatalf("gitleaks:allow and .gitleaksignore should silence everything with default rules, got %v", got)
	}
	write(t, root, ".gitleaks.toml", `[extend]
useDefault = true

[[rules]]
id = "crank-internal-key"
description = "Crank internal key"
regex = '''CRANK-[0-9a-f]{16}'''
keywords = ["crank-"]
`)
	got = byRule(scan(t, secrets.Options{Path: root}))
	if len(got["crank-internal-key"]) != 1 || len(got) != 1 {
		t.Fatalf(".gitleaks.toml custom rule not applied (or ignores lost): %v", got)
	}
}

func TestGitHistoryFindsDeletedSecretOnce(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	pat := secretstest.GitHubPAT(7)
	run("init", "-q")
	write(t, root, "cfg.txt", "token="+pat+"\n")
	run("add", ".")
	run("commit", "-qm", "add")
	write(t, root, "cfg.txt", "\n\ntoken="+pat+"\n")
	run("commit", "-qam", "move")
	write(t, root, "cfg.txt", "token=from-env\n")
	run("commit", "-qam", "remove")
	if got := scan(t, secrets.Options{Path: root}); len(got) != 0 {
		t.Fatalf("work tree is clean, got %v", got)
	}
	hist := scan(t, secrets.Options{Path: root, Git: true})
	if len(hist) == 0 {
		t.Fatal("history scan missed the deleted secret")
	}
	fps := map[string]bool{}
	for _, s := range hist {
		if s.Commit == "" {
			t.Error("history finding without a commit")
		}
		fps[s.Fingerprint] = true
	}
	if len(fps) != 1 {
		t.Errorf("the same secret in one file across commits should share one fingerprint, got %d", len(fps))
	}
}

func TestScanContent(t *testing.T) {
	cfg, err := secrets.LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	d := secrets.NewDetector(context.Background(), cfg)
	got := d.ScanContent(context.Background(), "root/.npmrc", []byte("//registry/:_authToken="+secretstest.GitHubPAT(8)+"\n"))
	if len(got) != 1 || got[0].Path != "root/.npmrc" || got[0].RuleID != "github-pat" || got[0].Line != 1 {
		t.Fatalf("ScanContent: %+v", got)
	}
	if got := d.ScanContent(context.Background(), "bin/x", append([]byte{0, 1, 2}, secretstest.GitHubPAT(8)...)); len(got) != 0 {
		t.Errorf("binary content should be skipped, got %v", got)
	}
}

// A large file is cut into fragments as gitleaks dir cuts it: a secret
// far past the first 100 KB is still found on its own line, and the file
// gives what the same file on disk gives to secrets.Scan.
func TestScanContentLargeFile(t *testing.T) {
	cfg, err := secrets.LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("token := \"" + secretstest.GitHubPAT(1) + "\"\n")
	for i := 0; b.Len() < 350_000; i++ {
		fmt.Fprintf(&b, "line %d of ordinary text without anything to find\n", i)
		if i%500 == 0 {
			b.WriteString("\n")
		}
	}
	last := strings.Count(b.String(), "\n") + 1
	b.WriteString("auth = \"" + secretstest.GitHubPAT(2) + "\"\n")
	content := b.String()

	d := secrets.NewDetector(context.Background(), cfg)
	got := d.ScanContent(context.Background(), "app/big.go", []byte(content))
	if len(got) != 2 || got[0].Line != 1 || got[1].Line != last || got[1].RuleID != "github-pat" {
		t.Fatalf("ScanContent on %d bytes: %+v, want github-pat on lines 1 and %d", len(content), got, last)
	}
	dir := t.TempDir()
	write(t, dir, "app/big.go", content)
	onDisk := scan(t, secrets.Options{Path: dir})
	if len(onDisk) != len(got) {
		t.Fatalf("on disk %+v, in a layer %+v", onDisk, got)
	}
	for i := range got {
		if onDisk[i].Line != got[i].Line || onDisk[i].Column != got[i].Column || onDisk[i].SecretHash != got[i].SecretHash {
			t.Errorf("finding %d: on disk %+v, in a layer %+v", i, onDisk[i], got[i])
		}
	}
}

// Files below gitleaks' read size are read with a buffer of their own size
// (one read either way); around that size the fragments, and so a secret
// that spans lines near the end, must still be those of gitleaks dir.
func TestScanContentSizesMatchDisk(t *testing.T) {
	cfg, err := secrets.LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	d := secrets.NewDetector(context.Background(), cfg)
	key := "-----BEGIN RSA PRIVATE KEY-----\n" + strings.Repeat("MIIEpAIBAAKCAQEA0Zx9Qw7Er5Ty3Ui1Op8As6Df+/\n", 4) + "-----END RSA PRIVATE KEY-----\n"
	head := "token := \"" + secretstest.GitHubPAT(3) + "\"\n"
	for _, size := range []int{len(head) + len(key), 4095, 4097, 99_999, 100_000, 100_001, 100_200, 250_000} {
		var b strings.Builder
		b.WriteString(head)
		for b.Len() < size-len(key)-40 {
			b.WriteString("ordinary text without anything to find\n")
		}
		b.WriteString(strings.Repeat("x", max(0, size-len(key)-b.Len()-1)) + "\n")
		b.WriteString(key)
		content := b.String()
		got := d.ScanContent(context.Background(), "app/f.txt", []byte(content))
		dir := t.TempDir()
		write(t, dir, "app/f.txt", content)
		onDisk := scan(t, secrets.Options{Path: dir})
		if len(got) != len(onDisk) || len(got) < 2 {
			t.Fatalf("%d bytes: on disk %+v, in a layer %+v", len(content), onDisk, got)
		}
		for i := range got {
			if onDisk[i].RuleID != got[i].RuleID || onDisk[i].Line != got[i].Line || onDisk[i].Column != got[i].Column || onDisk[i].SecretHash != got[i].SecretHash {
				t.Errorf("%d bytes, finding %d: on disk %+v, in a layer %+v", len(content), i, onDisk[i], got[i])
			}
		}
	}
}

// crank-gate check loads a config per source target. gitleaks counts
// extended configs in a process-wide variable it never resets: without
// crank-gate resetting it, the third load of a config that extends the
// default rules got none of them, and a broken rule after an extending
// config passed validation.
func TestRepeatedExtendedConfigsLoadWhole(t *testing.T) {
	dir := t.TempDir()
	extending := filepath.Join(dir, "extending.toml")
	write(t, dir, "extending.toml", "[extend]\nuseDefault = true\n\n[[rules]]\nid = \"mine\"\nregex = '''mine[0-9]{8}'''\nkeywords = [\"mine\"]\n")
	broken := filepath.Join(dir, "broken.toml")
	write(t, dir, "broken.toml", "[[rules]]\nid = \"bad\"\nregex = '''bad[0-9]+'''\nsecretGroup = 3\n")
	def, err := secrets.LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		cfg, err := secrets.LoadConfig(extending)
		if err != nil {
			t.Fatal(err)
		}
		if len(cfg.Rules) != len(def.Rules)+1 || cfg.Path != extending {
			t.Fatalf("load %d of the extending config: %d rules, path %q; want %d, %q", i+1, len(cfg.Rules), cfg.Path, len(def.Rules)+1, extending)
		}
		if _, err := secrets.LoadConfig(broken); err == nil {
			t.Fatalf("load %d: a rule with secretGroup 3 and no group loaded without error", i+1)
		}
	}
}

func TestScanMissingPathIsAnError(t *testing.T) {
	if _, err := secrets.Scan(context.Background(), secrets.Options{Path: filepath.Join(t.TempDir(), "nope")}); err == nil {
		t.Fatal("want an error for a missing path")
	}
}

func TestForImageRedactsToAHash(t *testing.T) {
	cfg, err := secrets.LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	pat := secretstest.GitHubPAT(9)
	got := secrets.NewDetector(context.Background(), cfg).ForImage(context.Background()).ScanContent("app/.env", []byte("\nTOKEN="+pat+"\n"))
	if len(got) != 1 || got[0].Line != 2 || strings.Contains(got[0].Redacted, pat[4:8]) || !strings.HasPrefix(got[0].Redacted, "sha256:") {
		t.Fatalf("got %+v", got)
	}
}

// BenchmarkScanContentManyMatches: a 1.3 MB file with a match on every
// line. With the file as one fragment gitleaks' line placement is
// quadratic (30 s here); cut as gitleaks dir cuts it, it is linear.
func BenchmarkScanContentManyMatches(b *testing.B) {
	cfg, err := secrets.LoadConfig("")
	if err != nil {
		b.Fatal(err)
	}
	d := secrets.NewDetector(context.Background(), cfg)
	var sb strings.Builder
	for i := 0; i < 32000; i++ {
		fmt.Fprintf(&sb, "api_key = \"Zx9Qw7Er5Ty3Ui1Op8As6Df%06d\"\n", i)
	}
	content := []byte(sb.String())
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		if len(d.ScanContent(context.Background(), "big.env", content)) == 0 {
			b.Fatal("no findings")
		}
	}
}
