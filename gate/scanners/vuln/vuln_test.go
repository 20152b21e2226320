package vuln_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln/vulntest"
)

func TestCheckDB(t *testing.T) {
	built := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := vuln.CheckDB(t.TempDir(), 0, built); !errors.Is(err, vuln.ErrDB) || !strings.Contains(err.Error(), "download") {
		t.Errorf("missing: %v", err)
	}
	cache := t.TempDir()
	dir := vulntest.WriteDB(t, cache, built)
	if vuln.ResolveDBDir(cache) != dir || vuln.ResolveDBDir(dir) != dir {
		t.Errorf("ResolveDBDir: %s, %s", vuln.ResolveDBDir(cache), vuln.ResolveDBDir(dir))
	}
	if _, err := vuln.CheckDB(dir, 48*time.Hour, built.Add(24*time.Hour)); err != nil {
		t.Errorf("fresh: %v", err)
	}
	if _, err := vuln.CheckDB(dir, 48*time.Hour, built.Add(72*time.Hour)); !errors.Is(err, vuln.ErrDB) || !strings.Contains(err.Error(), "max-db-age") {
		t.Errorf("stale: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "metadata.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := vuln.CheckDB(dir, 0, built); !errors.Is(err, vuln.ErrDB) {
		t.Errorf("corrupt metadata: %v", err)
	}
}

func TestFilterAndFindings(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	vs := []vuln.Vulnerability{
		{ID: "CVE-1", Package: "a", InstalledVersion: "1", FixedVersion: "2", Severity: vuln.Critical, Path: "var/lib/dpkg/status"},
		{ID: "CVE-2", Package: "b", InstalledVersion: "1", Severity: vuln.High, Path: "var/lib/dpkg/status"},
		{ID: "CVE-3", Package: "c", InstalledVersion: "1", FixedVersion: "2", Severity: vuln.Low},
	}
	f := vuln.Filter{MinSeverity: vuln.High, FixableOnly: true, Ignores: []vuln.Ignore{{ID: "CVE-9", Reason: "x"}}, Now: func() time.Time { return now }}
	kept, _, notices := f.Apply(vs)
	if len(kept) != 1 || kept[0].ID != "CVE-1" || len(notices) != 1 || !notices[0].Unused {
		t.Fatalf("kept %+v notices %+v", kept, notices)
	}
	if err := (vuln.Filter{Ignores: []vuln.Ignore{{ID: "CVE-1"}}}).Validate(); err == nil {
		t.Error("an ignore without a reason must be rejected")
	}
	fs := vuln.ToFindings(kept, "oci:img", "Dockerfile")
	if len(fs) != 1 || fs[0].Path != "Dockerfile" || fs[0].Severity != findings.Error || fs[0].Engine != vuln.Engine {
		t.Fatalf("findings: %+v", fs)
	}
	bumped := kept[0]
	bumped.InstalledVersion = "1.1"
	if vuln.ToFindings([]vuln.Vulnerability{bumped}, "oci:img", "Dockerfile")[0].Fingerprint != fs[0].Fingerprint {
		t.Error("a version bump that stays vulnerable should keep the fingerprint")
	}
}
