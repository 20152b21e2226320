package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/crank-platform/terraform-provider-crank/gate/check"
	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/image/imagetest"
	"github.com/crank-platform/terraform-provider-crank/gate/report/sariftest"
)

func runImage(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var out, errb bytes.Buffer
	// These tests are about the image checks; the CVE engine has its own test.
	args = append([]string{"--no-vulns"}, args...)
	code := ImageCommand{}.Run(context.Background(), args, Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Version: "1.2.3"})
	return code, out.String(), errb.String()
}

func TestImageCommandExitCodes(t *testing.T) {
	dir := t.TempDir()
	imagetest.WriteOCI(t, filepath.Join(dir, "insecure"), imagetest.Insecure(t), "v1")
	imagetest.WriteOCI(t, filepath.Join(dir, "hardened"), imagetest.Hardened(t), "v1")
	hostile := imagetest.Build(t, v1.Config{}, nil, imagetest.Step{CreatedBy: "x", Layer: imagetest.Layer(t, imagetest.File{Path: "../escape", Body: "x"})})
	imagetest.WriteOCI(t, filepath.Join(dir, "hostile"), hostile, "v1")
	imagetest.WriteDockerArchive(t, filepath.Join(dir, "insecure.tar"), imagetest.Insecure(t), "example.com/insecure:v1")

	if code, out, errs := runImage(t, dir, "oci:hardened:v1"); code != ExitPass {
		t.Errorf("hardened: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs := runImage(t, dir, "--format", "json", "docker-archive:insecure.tar")
	if code != ExitFindings {
		t.Fatalf("insecure: exit %d\n%s", code, errs)
	}
	var doc struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
			Path   string `json:"path"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Findings) == 0 {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if doc.Findings[0].Path != "image/docker-archive/insecure.tar" {
		t.Errorf("logical path: %q", doc.Findings[0].Path)
	}
	for _, s := range []string{imagetest.TestBuildArgToken, "s3cr3t-Pa55word-2024"} {
		if strings.Contains(out, s) {
			t.Errorf("output leaks a secret")
		}
	}
	if code, _, errs := runImage(t, dir, "--fail-on", "none", "oci:insecure:v1"); code != ExitPass {
		t.Errorf("--fail-on none: exit %d %s", code, errs)
	}
	if code, _, errs := runImage(t, dir, "oci:hostile:v1"); code != ExitError || !strings.Contains(errs, "hostile tar") {
		t.Errorf("hostile: exit %d %s", code, errs)
	}
	if code, _, errs := runImage(t, dir, "--insecure-registry", "registry.example.com/app:1"); code != ExitError || !strings.Contains(errs, "loopback") {
		t.Errorf("insecure non-loopback: exit %d %s", code, errs)
	}
	if code, _, errs := runImage(t, dir); code != ExitError || !strings.Contains(errs, "expected exactly one image reference") {
		t.Errorf("no ref: exit %d %s", code, errs)
	}
	if code, _, errs := runImage(t, dir, "--max-image-size", "lots", "oci:hardened:v1"); code != ExitError || !strings.Contains(errs, "not a size") {
		t.Errorf("bad size: exit %d %s", code, errs)
	}
	// Config shared with lint: a different required uid and an ignore.
	write(t, dir, ".crank-gate.yaml", "required-uid: \"2000\"\nseverity:\n  CGI2006: off\n")
	if code, out, _ := runImage(t, dir, "--format", "json", "oci:hardened:v1"); code != ExitFindings || !strings.Contains(out, "CGI1001") {
		t.Errorf("required-uid from config: exit %d\n%s", code, out)
	}
}

// TestImageConfigSection: the config's image section sets budgets and
// allowlists for "image" as for "check", and a flag wins over it.
func TestImageConfigSection(t *testing.T) {
	dir := t.TempDir()
	imagetest.WriteOCI(t, filepath.Join(dir, "insecure"), imagetest.Insecure(t), "v1")
	count := func(out string) map[string]int {
		t.Helper()
		var doc struct {
			Findings []struct {
				RuleID string `json:"rule_id"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("json: %v\n%s", err, out)
		}
		n := map[string]int{}
		for _, f := range doc.Findings {
			n[f.RuleID]++
		}
		return n
	}
	base := []string{"--format", "json", "--fail-on", "none", "oci:insecure:v1"}
	_, out, _ := runImage(t, dir, base...)
	before := count(out)
	if before["CGI2001"] != 1 || before["CGI1003"] != 2 || before["CGI1010"] != 0 {
		t.Fatalf("fixture changed: %v", before)
	}
	write(t, dir, ".crank-gate.yaml", "image:\n  allow-setuid: [/usr/local/bin/helper]\n  allowed-ports: [22, 80]\n  max-layers: 2\n")
	_, out, errs := runImage(t, dir, base...)
	after := count(out)
	if after["CGI2001"] != 0 || after["CGI1003"] != 0 || after["CGI1010"] != 1 {
		t.Errorf("config image section not applied: %v\n%s", after, errs)
	}
	_, out, _ = runImage(t, dir, append([]string{"--max-layers", "0"}, base...)...)
	if n := count(out); n["CGI1010"] != 0 || n["CGI2001"] != 0 {
		t.Errorf("--max-layers 0 must override the config's budget and keep its allowlist: %v", n)
	}
	write(t, dir, ".crank-gate.yaml", "image:\n  max-file-bytes: 0\n")
	if code, _, errs := runImage(t, dir, base...); code != ExitError || !strings.Contains(errs, "image.max-file-bytes: must be above 0") {
		t.Errorf("bad image section: exit %d %s", code, errs)
	}
}

// TestImageSARIF checks that every result has a location with and without
// --dockerfile, and runs Microsoft's validator when it is installed.
func TestImageSARIF(t *testing.T) {
	dir := t.TempDir()
	imagetest.WriteOCI(t, filepath.Join(dir, "insecure"), imagetest.Insecure(t), "v1")
	write(t, dir, "Dockerfile", imagetest.InsecureDockerfile)
	for _, args := range [][]string{{"--format", "sarif=plain.sarif"}, {"--dockerfile", "Dockerfile", "--format", "sarif=linked.sarif"}} {
		if code, _, errs := runImage(t, dir, append(args, "oci:insecure:v1")...); code != ExitFindings {
			t.Fatalf("%v: exit %d %s", args, code, errs)
		}
	}
	for file, wantURI := range map[string]string{"plain.sarif": "image/oci/insecure:v1", "linked.sarif": "Dockerfile"} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		var log struct {
			Runs []struct {
				Tool    struct{ Driver struct{ Name string } }
				Results []struct {
					RuleID    string `json:"ruleId"`
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }
							Region           struct{ StartLine int }
						}
					}
				}
			}
		}
		if err := json.Unmarshal(data, &log); err != nil {
			t.Fatal(err)
		}
		if len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "crank-gate-image" || len(log.Runs[0].Results) == 0 {
			t.Fatalf("%s: want one crank-gate-image run with results", file)
		}
		for _, r := range log.Runs[0].Results {
			if len(r.Locations) != 1 || r.Locations[0].PhysicalLocation.ArtifactLocation.URI != wantURI || r.Locations[0].PhysicalLocation.Region.StartLine < 1 {
				t.Errorf("%s: %s has location %+v, want %s", file, r.RuleID, r.Locations, wantURI)
			}
		}
		if bin := sariftest.Validator(t); bin != "" {
			sariftest.Validate(t, bin, filepath.Join(dir, file))
		} else {
			t.Log("sarif-multitool not installed; schema validation skipped")
		}
	}
}

// TestCheckImageUsesConfigSection: "check" reads the same image section
// through the policy's lint config.
func TestCheckImageUsesConfigSection(t *testing.T) {
	cfg := config.Default()
	if err := cfg.ApplyCrank([]byte("image: {allow-setuid: [/usr/local/bin/helper], allowed-ports: [22, 80]}\n"), "c.yaml"); err != nil {
		t.Fatal(err)
	}
	img := imagetest.Insecure(t)
	checker := imageChecker(Env{})
	tgt := check.ImageTarget{Ref: "oci:insecure:v1"}
	rules := func(c *config.Config) map[string]int {
		res, err := checker(context.Background(), img, tgt, c)
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, f := range res.Findings {
			n[f.RuleID]++
		}
		return n
	}
	if n := rules(config.Default()); n["CGI2001"] != 1 || n["CGI1003"] != 2 {
		t.Fatalf("default policy: %v", n)
	}
	if n := rules(cfg); n["CGI2001"] != 0 || n["CGI1003"] != 0 {
		t.Errorf("image section ignored by check: %v", n)
	}
}
