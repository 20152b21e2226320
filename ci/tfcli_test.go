package ci_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// cliBinaries are the real CLIs `make tools` builds: OpenTofu 1.11 and
// Terraform 1.5.7 (too old for the quickstart).
func cliBinaries(t *testing.T) (tofu, tf157 string) {
	t.Helper()
	tofu, tf157 = filepath.Join(repoRoot(), "bin/tofu"), filepath.Join(repoRoot(), "bin/terraform")
	for _, p := range []string{tofu, tf157} {
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s missing and CI is set: make tools builds it", p)
			}
			t.Skipf("%s not built (make tools)", p)
		}
	}
	return tofu, tf157
}

// pickCLI runs scripts/tfcli.sh from a copy of scripts/ under a fresh root
// (so no bin/tofu is found unless given), with PATH holding only pathDir
// and the system directories.
func pickCLI(t *testing.T, pathDir string, env ...string) (stdout, stderr string, code int) {
	t.Helper()
	root := t.TempDir()
	src, err := os.ReadFile(filepath.Join(repoRoot(), "scripts/tfcli.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "scripts"), 0o755); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(root, "scripts/tfcli.sh")
	if err := os.WriteFile(script, src, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script)
	cmd.Env = append([]string{"PATH=" + pathDir + ":/usr/bin:/bin", "HOME=" + t.TempDir()}, env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), errb.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), 0
}

func linkAs(t *testing.T, dir, name, target string) {
	t.Helper()
	if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}

// TestDemoPicksInstalledCLI: the demo takes an installed CLI by version,
// not by name, and builds OpenTofu only when nothing fits.
func TestDemoPicksInstalledCLI(t *testing.T) {
	tofu, tf157 := cliBinaries(t)

	t.Run("tofu on PATH first", func(t *testing.T) {
		dir := t.TempDir()
		linkAs(t, dir, "tofu", tofu)
		linkAs(t, dir, "terraform", tf157)
		out, errs, code := pickCLI(t, dir)
		if code != 0 || strings.TrimSpace(out) != filepath.Join(dir, "tofu") || !strings.Contains(errs, "using OpenTofu 1.11") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
		}
	})
	t.Run("old terraform only: build", func(t *testing.T) {
		dir := t.TempDir()
		linkAs(t, dir, "terraform", tf157)
		out, errs, code := pickCLI(t, dir)
		if code != 3 || out != "" || !strings.Contains(errs, "is Terraform 1.5.7") || !strings.Contains(errs, ">= 1.11") {
			t.Errorf("want exit 3 naming the old Terraform; exit %d, stdout %q, stderr %q", code, out, errs)
		}
	})
	t.Run("terraform named tofu is still judged by version", func(t *testing.T) {
		dir := t.TempDir()
		linkAs(t, dir, "tofu", tf157)
		if _, errs, code := pickCLI(t, dir); code != 3 || !strings.Contains(errs, "is Terraform 1.5.7") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
	t.Run("nothing on PATH", func(t *testing.T) {
		if _, errs, code := pickCLI(t, t.TempDir()); code != 3 || !strings.Contains(errs, "no tofu or terraform on PATH") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
	t.Run("TF_CLI too old is an error, not a fallback", func(t *testing.T) {
		dir := t.TempDir()
		linkAs(t, dir, "tofu", tofu)
		if out, errs, code := pickCLI(t, dir, "TF_CLI="+tf157); code != 2 || out != "" || !strings.Contains(errs, "TF_CLI="+tf157+" is Terraform 1.5.7") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
		}
	})
	t.Run("TF_CLI chosen", func(t *testing.T) {
		if out, _, code := pickCLI(t, t.TempDir(), "TF_CLI="+tofu); code != 0 || strings.TrimSpace(out) != tofu {
			t.Errorf("exit %d, stdout %q", code, out)
		}
	})
}
