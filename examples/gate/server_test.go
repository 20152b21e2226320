//go:build goexperiment.jsonv2

package gateexample_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/cli"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/trivy/trivytest"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln/vulntest"
)

// TestCheckWithTrivyServer runs the sample's policy with no local DB (the
// policy's dir does not exist) against a shared Trivy server: the fixable
// CVE still fails the gate, so the server's DB was used, and a wrong token
// is an error rather than a pass without CVEs.
func TestCheckWithTrivyServer(t *testing.T) {
	dir := workspace(t, false, true, time.Time{})
	serverCache := t.TempDir()
	vulntest.WriteDB(t, serverCache, time.Now().Add(-time.Hour))
	url := trivytest.Server(t, serverCache, "ci-token")
	run := func(token string) (int, string, string) {
		env := func(k string) string {
			if k == "TRIVY_TOKEN" {
				return token
			}
			return ""
		}
		return gateEnv(t, dir, env, "check", "--trivy-server", url, "--format", "json")
	}
	if _, err := os.Stat(filepath.Join(dir, "build/trivy-cache")); err == nil {
		t.Fatal("the workspace has a local DB; this test is about the server's")
	}
	code, out, errs := run("ci-token")
	if code != cli.ExitFindings || !strings.Contains(out, vulntest.OpenSSLFixed) {
		t.Fatalf("exit %d, want %d with %s\n%s\n%s", code, cli.ExitFindings, vulntest.OpenSSLFixed, out, errs)
	}
	if strings.Contains(out+errs, "ci-token") {
		t.Error("the token was printed")
	}
	if code, _, errs := run("wrong"); code == cli.ExitPass || code == cli.ExitFindings || !strings.Contains(errs, "refused the token") {
		t.Errorf("wrong token: exit %d\n%s", code, errs)
	}
}
