//go:build goexperiment.jsonv2

package trivy_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/scanners/trivy"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln/vulntest"
)

var built = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)

func TestScanDebianImageAgainstFixtureDB(t *testing.T) {
	cache := t.TempDir()
	vulntest.WriteDB(t, cache, built)
	s, err := trivy.Open(trivy.Options{DBDir: cache, Offline: true, MaxDBAge: 48 * time.Hour, Now: func() time.Time { return built.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	vs, err := s.ScanImage(context.Background(), vulntest.DebianImage(t), "oci:fixture")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string][]vuln.Vulnerability{}
	for _, v := range vs {
		byID[v.ID] = append(byID[v.ID], v)
	}
	// openssl's source package covers both binary packages (openssl, libssl3).
	fixed := byID[vulntest.OpenSSLFixed]
	if len(fixed) != 2 {
		t.Fatalf("want %s on openssl and libssl3, got %+v", vulntest.OpenSSLFixed, vs)
	}
	v := fixed[0]
	if v.Severity != vuln.High || v.FixedVersion != vulntest.OpenSSLFixedVersion || v.InstalledVersion != vulntest.OpenSSLVulnerableVersion || v.Path != "var/lib/dpkg/status" || v.Title == "" {
		t.Errorf("unexpected detail: %+v", v)
	}
	nofix := byID[vulntest.OpenSSLNoFix]
	if len(nofix) == 0 || nofix[0].Fixable() || nofix[0].Severity != vuln.Critical {
		t.Errorf("no-fix advisory: %+v", nofix)
	}
	if len(byID[vulntest.ZlibMedium]) != 1 {
		t.Errorf("zlib advisory: %+v", byID[vulntest.ZlibMedium])
	}

	kept, _, _ := vuln.Filter{MinSeverity: vuln.High, FixableOnly: true}.Apply(vs)
	for _, k := range kept {
		if k.ID != vulntest.OpenSSLFixed {
			t.Errorf("HIGH+fixable filter kept %s", k.ID)
		}
	}
	if len(kept) != 2 {
		t.Errorf("HIGH+fixable filter: %d kept, want 2", len(kept))
	}
	kept, ignored, notices := vuln.Filter{MinSeverity: vuln.Low, Ignores: []vuln.Ignore{
		{ID: vulntest.ZlibMedium, Reason: "not reachable", Expires: built.AddDate(0, 1, 0)},
		{ID: vulntest.OpenSSLNoFix, Reason: "vendor will not fix", Expires: built.AddDate(0, 0, -1)},
	}, Now: func() time.Time { return built }}.Apply(vs)
	if ignored != 1 || len(notices) != 1 || !notices[0].Expired {
		t.Errorf("ignores: ignored %d, notices %+v", ignored, notices)
	}
	if len(kept) != len(vs)-1 {
		t.Errorf("kept %d of %d", len(kept), len(vs))
	}
}

func TestDBGate(t *testing.T) {
	now := built.Add(10 * 24 * time.Hour)
	_, err := trivy.Open(trivy.Options{DBDir: t.TempDir(), Offline: true})
	if !errors.Is(err, vuln.ErrDB) {
		t.Errorf("missing DB: want ErrDB, got %v", err)
	}
	cache := t.TempDir()
	vulntest.WriteDB(t, cache, built)
	_, err = trivy.Open(trivy.Options{DBDir: cache, Offline: true, MaxDBAge: 7 * 24 * time.Hour, Now: func() time.Time { return now }})
	if !errors.Is(err, vuln.ErrDB) {
		t.Errorf("stale DB: want ErrDB, got %v", err)
	}
	// The db directory itself is accepted as well as the cache dir.
	s, err := trivy.Open(trivy.Options{DBDir: cache + "/db", Offline: true, MaxDBAge: 30 * 24 * time.Hour, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("fresh enough DB: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
