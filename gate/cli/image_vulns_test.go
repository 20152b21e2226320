//go:build goexperiment.jsonv2

package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/scanners/trivy/trivytest"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln/vulntest"
)

// TestImageCommandVulns runs "crank-gate image" with every engine: the
// fixture CVEs come through the same single read as the image checks, and a
// missing or stale DB is exit 3, never a silent pass.
func TestImageCommandVulns(t *testing.T) {
	dir := t.TempDir()
	vulntest.WriteOCI(t, filepath.Join(dir, "debian"), vulntest.DebianImage(t), "v1")
	cache := filepath.Join(dir, "cache")
	vulntest.WriteDB(t, cache, time.Now())
	run := func(args ...string) (int, string, string) {
		return runImageEnv(func(string) string { return "" }, args...)
	}
	ref := "oci:" + filepath.Join(dir, "debian") + ":v1"

	code, out, errs := run("--db-dir", cache, "--format", "json", "--fail-on", "error", ref)
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d\n%s", code, ExitFindings, errs)
	}
	for _, id := range []string{vulntest.OpenSSLFixed, vulntest.OpenSSLNoFix, "CGI1002"} {
		if !strings.Contains(out, id) {
			t.Errorf("report lacks %s:\n%s", id, out)
		}
	}
	if _, out, _ := run("--db-dir", cache, "--fixable-only", "--format", "json", ref); strings.Contains(out, vulntest.OpenSSLNoFix) {
		t.Errorf("--fixable-only kept a CVE without a fix")
	}
	if code, _, errs := run("--db-dir", filepath.Join(dir, "nowhere"), ref); code != ExitDB || !strings.Contains(errs, "--no-vulns") {
		t.Errorf("missing DB: exit %d, want %d with a hint\n%s", code, ExitDB, errs)
	}
	stale := filepath.Join(dir, "stale")
	vulntest.WriteDB(t, stale, time.Now().Add(-30*24*time.Hour))
	if code, _, errs := run("--db-dir", stale, "--max-db-age", "72h", ref); code != ExitDB {
		t.Errorf("stale DB: exit %d, want %d\n%s", code, ExitDB, errs)
	}
}

// TestImageCommandTrivyServer: with --trivy-server the packages are
// matched by the server's DB (no local DB is given), the token comes from
// TRIVY_TOKEN, and a wrong one is an error, not a pass without CVEs.
func TestImageCommandTrivyServer(t *testing.T) {
	dir := t.TempDir()
	vulntest.WriteOCI(t, filepath.Join(dir, "debian"), vulntest.DebianImage(t), "v1")
	cache := filepath.Join(dir, "cache")
	vulntest.WriteDB(t, cache, time.Now())
	url := trivytest.Server(t, cache, "team-token")
	ref := "oci:" + filepath.Join(dir, "debian") + ":v1"
	run := func(token string, args ...string) (int, string, string) {
		return runImageEnv(func(k string) string {
			if k == "TRIVY_TOKEN" {
				return token
			}
			return ""
		}, args...)
	}
	code, out, errs := run("team-token", "--trivy-server", url, "--db-dir", filepath.Join(dir, "nowhere"), "--max-db-age", "24h", "--format", "json", "--fail-on", "error", ref)
	if code != ExitFindings || !strings.Contains(out, vulntest.OpenSSLFixed) {
		t.Fatalf("remote scan: exit %d, want %d with %s\n%s%s", code, ExitFindings, vulntest.OpenSSLFixed, out, errs)
	}
	if strings.Contains(out+errs, "team-token") {
		t.Error("the server token was printed")
	}
	if code, _, errs := run("wrong", "--trivy-server", url, ref); code != ExitError || !strings.Contains(errs, "refused the token") {
		t.Errorf("wrong token: exit %d, want %d\n%s", code, ExitError, errs)
	}
}

// runImageEnv runs "crank-gate image" with every engine and getenv as its
// environment.
func runImageEnv(getenv func(string) string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := ImageCommand{}.Run(context.Background(), args, Env{Stdout: &out, Stderr: &errb, Getenv: getenv, Version: "1.2.3"})
	return code, out.String(), errb.String()
}
