//go:build goexperiment.jsonv2

package check_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/cli"
	"github.com/crank-platform/terraform-provider-crank/gate/image/imagetest"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln/vulntest"
)

// TestCheckRunsImageChecks runs "crank-gate check" on image targets: the
// configuration and filesystem checks (with gitleaks for contents, ENV and
// history) and the vulnerability scan all report, image findings go
// through the image threshold, waivers and the baseline like any other.
func TestCheckRunsImageChecks(t *testing.T) {
	dir := t.TempDir()
	imagetest.WriteOCI(t, filepath.Join(dir, "insecure"), imagetest.Insecure(t), "v1")
	imagetest.WriteOCI(t, filepath.Join(dir, "debian"), imagetest.VulnerableDebian(t), "v1")
	vulntest.WriteDB(t, filepath.Join(dir, "cache"), time.Now())
	write := func(policy string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "crank-gate.yaml"), []byte(policy), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) (int, map[string]int, string) {
		t.Helper()
		var out, errb bytes.Buffer
		args = append([]string{"check", "--policy", filepath.Join(dir, "crank-gate.yaml"), "--format", "json"}, args...)
		code := cli.Main(context.Background(), args, cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Version: "1.0.0"})
		var doc struct {
			Findings []struct {
				RuleID string `json:"rule_id"`
				Path   string `json:"path"`
			} `json:"findings"`
		}
		if out.Len() > 0 {
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
		}
		got := map[string]int{}
		for _, f := range doc.Findings {
			got[f.RuleID]++
			if f.Path == "" {
				t.Errorf("%s has no location", f.RuleID)
			}
		}
		return code, got, errb.String()
	}
	const head = "version: 1\nvulnerability-db: {dir: cache, offline: true}\nbaseline: base.json\n"

	write(head + "targets:\n  images: [oci:insecure:v1]\n")
	code, got, errs := run()
	if code != cli.ExitFindings || !strings.Contains(errs, "image:") {
		t.Fatalf("insecure image: exit %d, want %d failing on image\n%s", code, cli.ExitFindings, errs)
	}
	for _, id := range []string{"CGI1001", "CGI2001"} {
		if got[id] == 0 {
			t.Errorf("check did not report %s from the image checks: %v", id, got)
		}
	}
	if strings.Contains(errs, "s3cr3t-Pa55word-2024") {
		t.Error("a secret from the image leaked into stderr")
	}

	// The vulnerable Debian image passes the image checks apart from info
	// facts; its fixable HIGH CVE fails the vulnerabilities category.
	write(head + "targets:\n  images: [oci:debian:v1]\n")
	code, got, errs = run()
	if code != cli.ExitFindings || got[vulntest.OpenSSLFixed] == 0 || strings.Contains(errs, "image:") {
		t.Fatalf("debian: exit %d, findings %v\n%s", code, got, errs)
	}

	// Threshold: image findings below "error" do not fail; waivers match
	// image rule ids on the image target.
	write(head + "thresholds: {image: error}\ntargets:\n  images: [oci:insecure:v1]\n")
	_, got1, errs1 := run()
	write(head + "thresholds: {image: none}\ntargets:\n  images: [oci:insecure:v1]\n")
	if code, got, errs := run(); strings.Contains(errs, "image:") || got["CGI1001"] == 0 {
		t.Errorf("image: none must report but not fail on image findings: exit %d %v\n%s", code, got, errs)
	}
	write(head + "thresholds: {image: error}\ntargets:\n  images: [oci:insecure:v1]\nwaivers:\n  - {id: CGI1001, target: oci:insecure:v1, reason: test, expires: 2099-01-01}\n")
	if _, got2, _ := run(); got2["CGI1001"] != 0 || got1["CGI1001"] == 0 {
		t.Errorf("waiver on CGI1001 not applied: before %v after %v\n%s", got1, got2, errs1)
	}

	// Baseline: everything known passes in --new-only mode.
	write(head + "targets:\n  images: [oci:insecure:v1]\n")
	var out, errb bytes.Buffer
	if code := cli.Main(context.Background(), []string{"baseline", "--policy", filepath.Join(dir, "crank-gate.yaml")}, cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}); code != cli.ExitPass {
		t.Fatalf("baseline: exit %d\n%s", code, errb.String())
	}
	if code, got, errs := run("--new-only"); code != cli.ExitPass || got["CGI1001"] != 0 {
		t.Errorf("new-only after baseline: exit %d %v\n%s", code, got, errs)
	}
}
