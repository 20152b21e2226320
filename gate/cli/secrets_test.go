package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/secrets/secretstest"
)

func runGate(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Version: "1.2.3"})
	return code, out.String(), errb.String()
}

func TestSecretsCommandExitCodesAndRedaction(t *testing.T) {
	root := t.TempDir()
	pat := secretstest.GitHubPAT(11)
	if err := os.WriteFile(filepath.Join(root, "clean.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runGate(t, "secrets", root); code != ExitPass {
		t.Fatalf("clean tree: exit %d, stderr %s", code, stderr)
	}
	if err := os.WriteFile(filepath.Join(root, "leak.env"), []byte("GITHUB_TOKEN="+pat+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sarif := filepath.Join(t.TempDir(), "out.sarif")
	code, stdout, stderr := runGate(t, "secrets", "--format", "json", "--format", "sarif="+sarif, root)
	if code != ExitFindings {
		t.Fatalf("leaky tree: exit %d, want %d; stderr %s", code, ExitFindings, stderr)
	}
	var doc struct {
		Findings []struct {
			RuleID      string `json:"rule_id"`
			Fingerprint string `json:"fingerprint"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("json output: %v\n%s", err, stdout)
	}
	if len(doc.Findings) != 1 || doc.Findings[0].RuleID != "github-pat" || doc.Findings[0].Fingerprint == "" {
		t.Fatalf("findings: %+v", doc.Findings)
	}
	data, err := os.ReadFile(sarif)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{"stdout": stdout, "stderr": stderr, "sarif": string(data)} {
		if strings.Contains(s, pat) || strings.Contains(s, pat[4:]) {
			t.Errorf("%s contains the secret", name)
		}
	}
	if !strings.Contains(string(data), `"name": "gitleaks"`) {
		t.Error("SARIF should have a gitleaks run")
	}
	if code, _, _ := runGate(t, "secrets", filepath.Join(root, "missing")); code != ExitError {
		t.Errorf("missing path: exit %d, want %d", code, ExitError)
	}
}

func TestDevNullIsNotATerminal(t *testing.T) {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Error("/dev/null was taken for a terminal: progress lines would be printed for output nobody reads")
	}
}
