package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/image/imagetest"
)

func TestHadolintLintFlags(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", "FROM debian\nUSER root\n")
	write(t, dir, "registry/Dockerfile", "FROM quay.io/org/app:1.0\nUSER 1000\n")

	code, out, _ := runCLI(t, dir, "", "lint", "--only", "DL3006,DL3002", "Dockerfile")
	if code != ExitFindings || !strings.Contains(out, "DL3006") || !strings.Contains(out, "DL3002") {
		t.Fatalf("baseline: %d\n%s", code, out)
	}
	// As in hadolint, --ignore removes the rules from the default set.
	_, out, _ = runCLI(t, dir, "", "lint", "--ignore", "DL3006", "--ignore", "dl3002,CG1001", "Dockerfile")
	if strings.Contains(out, "DL3006") || strings.Contains(out, "DL3002") || strings.Contains(out, "CG1001") || !strings.Contains(out, "CG5002") {
		t.Errorf("--ignore: %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, dir, "", "lint", "--only", "DL3006,DL3002", "--failure-threshold", "error", "Dockerfile"); code != ExitPass {
		t.Errorf("--failure-threshold error: %d", code)
	}
	if code, _, _ := runCLI(t, dir, "", "lint", "--only", "DL3006", "--failure-threshold", "ignore", "Dockerfile"); code != ExitPass {
		t.Errorf("--failure-threshold ignore: %d", code)
	}
	if code, _, errs := runCLI(t, dir, "", "lint", "--failure-threshold", "error", "--fail-on", "info", "Dockerfile"); code != ExitError || !strings.Contains(errs, "disagree") {
		t.Errorf("conflicting thresholds: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, dir, "", "lint", "--failure-threshold", "loud", "Dockerfile"); code != ExitError || !strings.Contains(errs, "--failure-threshold") {
		t.Errorf("bad threshold: %d %s", code, errs)
	}
	code, out, _ = runCLI(t, dir, "", "lint", "--only", "DL3026", "--trusted-registry", "docker.io", "registry/Dockerfile")
	if code != ExitFindings || !strings.Contains(out, "DL3026") {
		t.Errorf("--trusted-registry: %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, dir, "", "lint", "--only", "DL3026", "--trusted-registry", "quay.io", "registry/Dockerfile"); code != ExitPass {
		t.Errorf("--trusted-registry quay.io: %d", code)
	}
	for _, f := range []string{"tty", "json", "checkstyle", "codeclimate", "gitlab_codeclimate", "sarif"} {
		code, out, errs := runCLI(t, dir, "", "lint", "--only", "DL3006", "-f", f, "Dockerfile")
		if code != ExitFindings || !strings.Contains(out, "DL3006") {
			t.Errorf("-f %s: %d %s\n%s", f, code, errs, out)
		}
	}
	if _, out, _ := runCLI(t, dir, "", "lint", "--only", "DL3006", "-f", "codeclimate", "Dockerfile"); !strings.Contains(out, `"fingerprint"`) || !strings.Contains(out, `"check_name"`) {
		t.Errorf("codeclimate is not Code Climate JSON:\n%s", out)
	}
	if code, _, errs := runCLI(t, dir, "", "lint", "-f", "yaml", "Dockerfile"); code != ExitError || !strings.Contains(errs, "yaml") {
		t.Errorf("-f yaml: %d %s", code, errs)
	}
}

func TestCompatFlag(t *testing.T) {
	dir := t.TempDir()
	// A build stage the target never uses: crank skips it, hadolint does not.
	write(t, dir, "Dockerfile", "FROM debian:12 AS tools\nRUN apt-get install curl\nFROM debian:12\nUSER 1000\n")
	if code, _, _ := runCLI(t, dir, "", "lint", "--only", "DL3014", "Dockerfile"); code != ExitPass {
		t.Errorf("default: %d", code)
	}
	if code, out, _ := runCLI(t, dir, "", "lint", "--only", "DL3014", "--compat", "hadolint", "Dockerfile"); code != ExitFindings || !strings.Contains(out, "DL3014") {
		t.Errorf("--compat hadolint: %d\n%s", code, out)
	}
	write(t, dir, ".crank-gate.yaml", "compat: hadolint\n")
	if code, _, _ := runCLI(t, dir, "", "lint", "--only", "DL3014", "Dockerfile"); code != ExitFindings {
		t.Errorf("compat key: %d", code)
	}
	if code, _, errs := runCLI(t, dir, "", "lint", "--compat", "trivy", "Dockerfile"); code != ExitError || !strings.Contains(errs, `compat "trivy"`) {
		t.Errorf("--compat trivy: %d %s", code, errs)
	}
	write(t, dir, ".crank-gate.yaml", "compat: hadolnt\n")
	if code, _, errs := runCLI(t, dir, "", "lint", "Dockerfile"); code != ExitError || !strings.Contains(errs, "hadolnt") {
		t.Errorf("bad compat key: %d %s", code, errs)
	}
}

func TestBuildKitChecksConfigKey(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", "FROM scratch as base\nUSER 1000\n")
	if _, out, _ := runCLI(t, dir, "", "lint", "--fail-on", "none", "Dockerfile"); strings.Contains(out, "FromAsCasing") {
		t.Errorf("off by default:\n%s", out)
	}
	write(t, dir, ".crank-gate.yaml", "buildkit-checks: true\n")
	if _, out, _ := runCLI(t, dir, "", "lint", "--fail-on", "none", "Dockerfile"); !strings.Contains(out, "FromAsCasing") {
		t.Errorf("buildkit-checks: true:\n%s", out)
	}
}

func TestTrivyImageFlags(t *testing.T) {
	dir := t.TempDir()
	imagetest.WriteOCI(t, filepath.Join(dir, "insecure"), imagetest.Insecure(t), "v1")
	if code, _, errs := runImage(t, dir, "--offline-scan", "--skip-db-update", "oci:insecure:v1"); code != ExitFindings {
		t.Errorf("no-op flags: %d %s", code, errs)
	}
	if code, _, errs := runImage(t, dir, "--exit-code", "0", "oci:insecure:v1"); code != ExitPass {
		t.Errorf("--exit-code 0: %d %s", code, errs)
	}
	if code, _, errs := runImage(t, dir, "--exit-code", "5", "oci:insecure:v1"); code != 5 {
		t.Errorf("--exit-code 5: %d %s", code, errs)
	}
	if code, _, errs := runImage(t, dir, "--exit-code", "2", "oci:insecure:v1"); code != ExitError || !strings.Contains(errs, "--exit-code 2") {
		t.Errorf("--exit-code 2: %d %s", code, errs)
	}
	_, _, help := runImage(t, dir, "-h")
	for _, want := range []string{"-offline-scan", "changes nothing", "-skip-db-update", "-exit-code"} {
		if !strings.Contains(help, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}
