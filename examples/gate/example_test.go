package gateexample_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/crank-platform/terraform-provider-crank/gate/cli"
	"github.com/crank-platform/terraform-provider-crank/gate/report/sariftest"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln/vulntest"
	"github.com/crank-platform/terraform-provider-crank/gate/secrets/secretstest"
)

// workspace copies this example into a temp dir (the test never writes
// into the repository) and adds what is generated rather than committed:
// the planted secret, the OCI image and the vulnerability DB fixture.
func workspace(t *testing.T, plantSecret, vulnerableImage bool, dbBuilt time.Time) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == "build" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, p), 0o755)
		}
		if strings.HasSuffix(p, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, p), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if plantSecret {
		// Generated at run time: the repository never holds the token.
		if err := os.MkdirAll(filepath.Join(dst, "src/config"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, "src/config/dev.env"), []byte("HELLO_API_TOKEN="+secretstest.GitHubPAT(42)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	img := vulntest.DebianImage(t)
	if !vulnerableImage {
		img = vulntest.PatchedDebianImage(t)
	}
	vulntest.WriteOCI(t, filepath.Join(dst, "build/image"), asBuiltFromDockerfile(t, img), "latest")
	if !dbBuilt.IsZero() {
		vulntest.WriteDB(t, filepath.Join(dst, "build/trivy-cache"), dbBuilt)
	}
	return dst
}

// asBuiltFromDockerfile gives the fixture image what building this
// directory's Dockerfile records: its HEALTHCHECK, and the base image it
// resolved (name and digest) as the OCI base annotations BuildKit writes.
func asBuiltFromDockerfile(t *testing.T, img v1.Image) v1.Image {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.Config.Healthcheck = &v1.HealthConfig{Test: []string{"CMD", "/app", "-healthcheck"}, Interval: 30 * time.Second}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	const base = "gcr.io/distroless/static-debian12:nonroot"
	return mutate.Annotations(img, map[string]string{
		"org.opencontainers.image.base.name":   base,
		"org.opencontainers.image.base.digest": fmt.Sprintf("sha256:%x", sha256.Sum256([]byte(base))),
	}).(v1.Image)
}

func gate(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	return gateEnv(t, dir, func(string) string { return "" }, args...)
}

// gateEnv runs crank-gate in dir with getenv as its environment.
func gateEnv(t *testing.T, dir string, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), args, cli.Env{Stdout: &out, Stderr: &errb, Getenv: getenv, Version: "1.0.0"})
	return code, out.String(), errb.String()
}

func requireTrivy(t *testing.T) {
	t.Helper()
	if !trivyBuilt {
		if os.Getenv("CI") != "" {
			t.Fatal("this test needs GOEXPERIMENT=jsonv2 (Trivy); CI must set it")
		}
		t.Skip("built without GOEXPERIMENT=jsonv2: no vulnerability scanner")
	}
}

func TestCheckFailsOnSecretAndFixableCVE(t *testing.T) {
	requireTrivy(t)
	dir := workspace(t, true, true, time.Now().Add(-time.Hour))
	code, stdout, stderr := gate(t, dir, "check", "--format", "json", "--format", "sarif=gate.sarif")
	if code != cli.ExitFindings {
		t.Fatalf("exit %d, want %d\nstderr: %s\nstdout: %s", code, cli.ExitFindings, stderr, stdout)
	}
	var doc struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
			Path   string `json:"path"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range doc.Findings {
		got[f.RuleID]++
	}
	if got["github-pat"] != 1 || got[vulntest.OpenSSLFixed] == 0 {
		t.Errorf("want the planted secret and %s, got %v", vulntest.OpenSSLFixed, got)
	}
	for _, id := range []string{vulntest.OpenSSLNoFix, vulntest.ZlibMedium, "CG1001", "CG9001", "CG9002"} {
		if got[id] != 0 {
			t.Errorf("%s should not be reported (threshold, waiver), got %v", id, got)
		}
	}
	if !strings.Contains(stderr, "FAILED") || strings.Contains(stderr+stdout, secretstest.GitHubPAT(42)) {
		t.Errorf("stderr: %s", stderr)
	}
	sarif := filepath.Join(dir, "gate.sarif")
	data, err := os.ReadFile(sarif)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), secretstest.GitHubPAT(42)) {
		t.Fatal("SARIF contains the secret")
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Name string } `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	var engines []string
	for _, r := range log.Runs {
		engines = append(engines, r.Tool.Driver.Name)
	}
	if strings.Join(engines, ",") != "crank-gate,crank-gate-image,gitleaks,trivy" {
		t.Errorf("SARIF runs %v, want one per engine: crank-gate, crank-gate-image, gitleaks, trivy", engines)
	}
	bin := sariftest.Validator(t)
	if bin == "" {
		t.Skip("sarif-multitool not installed")
	}
	sariftest.Validate(t, bin, sarif)
}

func TestCheckPassesWhenFixed(t *testing.T) {
	requireTrivy(t)
	dir := workspace(t, false, false, time.Now().Add(-time.Hour))
	if code, stdout, stderr := gate(t, dir, "check"); code != cli.ExitPass {
		t.Fatalf("exit %d, want 0\n%s\n%s", code, stdout, stderr)
	}
}

func TestCheckDBMissingOrStaleExits3(t *testing.T) {
	requireTrivy(t)
	dir := workspace(t, false, false, time.Time{})
	if code, _, stderr := gate(t, dir, "check"); code != cli.ExitDB || !strings.Contains(stderr, "trivy.db") {
		t.Errorf("missing DB: exit %d, want %d\n%s", code, cli.ExitDB, stderr)
	}
	dir = workspace(t, false, false, time.Now().Add(-30*24*time.Hour))
	if code, _, stderr := gate(t, dir, "check"); code != cli.ExitDB || !strings.Contains(stderr, "max-db-age") {
		t.Errorf("stale DB: exit %d, want %d\n%s", code, cli.ExitDB, stderr)
	}
	if code, _, stderr := gate(t, dir, "check", "--max-db-age", "60d"); code != cli.ExitPass {
		t.Errorf("--max-db-age overrides the policy: exit %d\n%s", code, stderr)
	}
}

func TestBaselineThenNewOnly(t *testing.T) {
	requireTrivy(t)
	dir := workspace(t, true, true, time.Now().Add(-time.Hour))
	if code, _, stderr := gate(t, dir, "baseline"); code != cli.ExitPass {
		t.Fatalf("baseline: exit %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "crank-gate-baseline.json"))
	if err != nil || strings.Contains(string(data), secretstest.GitHubPAT(42)) {
		t.Fatalf("baseline missing or holds the secret: %v", err)
	}
	if code, stdout, stderr := gate(t, dir, "check", "--new-only"); code != cli.ExitPass {
		t.Fatalf("new-only after baseline: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "src/config/prod.env"), []byte("HELLO_API_TOKEN="+secretstest.GitHubPAT(43)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := gate(t, dir, "check", "--new-only"); code != cli.ExitFindings {
		t.Fatalf("a new secret must fail in new-only mode: exit %d", code)
	}
}

func TestPolicyErrorsExit2(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "crank-gate.yaml"), []byte("version: 1\ntargets: {sources: [.]}\nthreshold: {secrets: any}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := gate(t, dir, "check")
	if code != cli.ExitError || !strings.Contains(stderr, "unknown key threshold") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if code, _, _ := gate(t, dir, "check", "--policy", "missing.yaml"); code != cli.ExitError {
		t.Fatalf("missing policy: exit %d", code)
	}
}

// validateSARIF runs Microsoft's validator; a missing validator fails in CI.
