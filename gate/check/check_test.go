package check_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"

	"github.com/crank-platform/terraform-provider-crank/gate/check"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln"
	"github.com/crank-platform/terraform-provider-crank/gate/secrets/secretstest"
)

func TestPolicyErrorsAreClear(t *testing.T) {
	for name, tc := range map[string]struct{ yaml, want string }{
		"unknown key":        {"version: 1\ntargets: {sources: [.]}\nthreshold: {}\n", "unknown key threshold"},
		"unknown nested key": {"version: 1\ntargets: {sources: [.], dockerfile: [x]}\n", "unknown key dockerfile"},
		"no version":         {"targets: {sources: [.]}\n", "version: 0 is not supported"},
		"no targets":         {"version: 1\n", "nothing to check"},
		"bad severity":       {"version: 1\ntargets: {sources: [.]}\nthresholds: {dockerfile: loud}\n", "thresholds.dockerfile"},
		"bad cve severity":   {"version: 1\ntargets: {sources: [.]}\nthresholds: {vulnerabilities: {severity: bad}}\n", "unknown vulnerability severity"},
		"bad secrets":        {"version: 1\ntargets: {sources: [.]}\nthresholds: {secrets: some}\n", "use any"},
		"waiver no reason":   {"version: 1\ntargets: {sources: [.]}\nwaivers:\n  - id: DL3008\n    expires: 2030-01-01\n", "reason is empty"},
		"waiver no expiry":   {"version: 1\ntargets: {sources: [.]}\nwaivers:\n  - id: DL3008\n    reason: x\n", "expires is missing"},
		"waiver bad date":    {"version: 1\ntargets: {sources: [.]}\nwaivers:\n  - id: DL3008\n    reason: x\n    expires: soon\n", "not a date"},
		"bad max age":        {"version: 1\ntargets: {sources: [.]}\nvulnerability-db: {max-age: forever}\n", "not a duration"},
		"empty image ref":    {"version: 1\ntargets: {images: [{dockerfile: D}]}\n", "ref is empty"},
		"empty file":         {"", "empty"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := check.ParsePolicy([]byte(tc.yaml), ".")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestPolicyParses(t *testing.T) {
	p, err := check.ParsePolicy([]byte(`version: 1
targets:
  dockerfiles: [Dockerfile]
  images:
    - oci:img
    - {ref: "oci:other:v1", dockerfile: Dockerfile}
  sources: [src]
thresholds:
  dockerfile: error
  secrets: none
  vulnerabilities: {severity: critical, fixable-only: false}
vulnerability-db: {dir: db, max-age: 7d, offline: true, server: "https://trivy.internal:4954"}
baseline: base.json
waivers:
  - id: DL3008
    reason: pinned by the base image
    expires: 2030-01-01
`), "sub")
	if err != nil {
		t.Fatal(err)
	}
	if p.Targets.Images[0].Ref != "oci:img" || p.Targets.Images[1].Dockerfile != "Dockerfile" {
		t.Errorf("images: %+v", p.Targets.Images)
	}
	if p.Thresholds.Dockerfile != findings.Error || p.Thresholds.Secrets || p.Thresholds.Vulns.Severity != vuln.Critical || p.Thresholds.Vulns.FixableOnly {
		t.Errorf("thresholds: %+v", p.Thresholds)
	}
	if p.VulnDB.Dir != filepath.Join("sub", "db") || p.VulnDB.Server != "https://trivy.internal:4954" || p.VulnDB.MaxAge != 7*24*time.Hour || !p.VulnDB.Offline || p.Baseline != filepath.Join("sub", "base.json") {
		t.Errorf("db/baseline: %+v %s", p.VulnDB, p.Baseline)
	}
	if len(p.Waivers) != 1 || p.Waivers[0].Line != 15 {
		t.Errorf("waivers: %+v", p.Waivers)
	}
}

type fakeScanner struct{ vs []vuln.Vulnerability }

func (f fakeScanner) ScanImage(context.Context, v1.Image, string) ([]vuln.Vulnerability, error) {
	return f.vs, nil
}

func fixture(t *testing.T, policy string) (*check.Policy, string) {
	t.Helper()
	dir := t.TempDir()
	write := func(rel, s string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, rel), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Dockerfile", "FROM gcr.io/distroless/static-debian12@sha256:"+strings.Repeat("a", 64)+"\nCOPY app /app\nUSER 1000:1000\nHEALTHCHECK CMD [\"/app\", \"health\"]\nENTRYPOINT [\"/app\"]\n")
	write("src/main.go", "package main\n")
	write("src/settings.env", "TOKEN="+secretstest.GitHubPAT(21)+"\n")
	write("crank-gate.yaml", policy)
	p, err := check.LoadPolicy(filepath.Join(dir, "crank-gate.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return p, dir
}

var day = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func opts(p *check.Policy, vs ...vuln.Vulnerability) check.Options {
	return check.Options{
		Policy: p,
		Now:    func() time.Time { return day },
		Vuln: func(check.VulnDB) (vuln.Scanner, func() error, error) {
			return fakeScanner{vs: vs}, func() error { return nil }, nil
		},
		OpenImage: func(context.Context, check.ImageTarget) (v1.Image, func(), error) { return empty.Image, func() {}, nil },
	}
}

var highFixable = vuln.Vulnerability{ID: "CVE-2099-0001", Package: "openssl", InstalledVersion: "3.0.0", FixedVersion: "3.0.1", Severity: vuln.High, Target: "debian 12", Path: "var/lib/dpkg/status"}
var criticalNoFix = vuln.Vulnerability{ID: "CVE-2099-0002", Package: "openssl", InstalledVersion: "3.0.0", Severity: vuln.Critical, Target: "debian 12", Path: "var/lib/dpkg/status"}
var mediumFixable = vuln.Vulnerability{ID: "CVE-2099-0003", Package: "zlib", InstalledVersion: "1", FixedVersion: "2", Severity: vuln.Medium, Target: "debian 12", Path: "var/lib/dpkg/status"}

func rulesOf(fs []findings.Finding) map[string]int {
	m := map[string]int{}
	for _, f := range fs {
		m[f.RuleID]++
	}
	return m
}

const basePolicy = `version: 1
targets:
  dockerfiles: [Dockerfile]
  images: [{ref: "oci:image", dockerfile: Dockerfile}]
  sources: [src]
baseline: baseline.json
`

func TestCategoriesAndThresholds(t *testing.T) {
	p, dir := fixture(t, basePolicy)
	res, err := check.Run(context.Background(), opts(p, highFixable, criticalNoFix, mediumFixable))
	if err != nil {
		t.Fatal(err)
	}
	got := rulesOf(res.Findings)
	if got["github-pat"] != 1 || got["CVE-2099-0001"] != 1 {
		t.Errorf("want the secret and the fixable HIGH CVE, got %v", got)
	}
	if got["CVE-2099-0002"] != 0 || got["CVE-2099-0003"] != 0 {
		t.Errorf("unfixable and MEDIUM CVEs are below the default threshold, got %v", got)
	}
	if res.Failing[check.CatSecrets] != 1 || res.Failing[check.CatVulns] != 1 || res.Failing[check.CatDockerfile] != 0 {
		t.Errorf("failing: %v; findings %v", res.Failing, res.Findings)
	}
	for _, f := range res.Findings {
		if f.RuleID == "CVE-2099-0001" && f.Path != filepath.Join(dir, "Dockerfile") {
			t.Errorf("vulnerability located at %q, want the image's Dockerfile", f.Path)
		}
	}
}

func TestWaivers(t *testing.T) {
	p, _ := fixture(t, basePolicy+`waivers:
  - id: CVE-2099-0001
    target: oci:image
    reason: patched in the next base image
    expires: 2026-07-01
  - id: github-pat
    target: "*/src/*"
    reason: test token, revoked
    expires: 2026-05-01
  - id: DL9999
    reason: left over
    expires: 2027-01-01
`)
	res, err := check.Run(context.Background(), opts(p, highFixable))
	if err != nil {
		t.Fatal(err)
	}
	got := rulesOf(res.Findings)
	if got["CVE-2099-0001"] != 0 {
		t.Error("an active waiver should silence the CVE")
	}
	if got["github-pat"] != 1 || got[check.RuleWaiverExpired] != 1 {
		t.Errorf("an expired waiver must not silence and must be reported: %v", got)
	}
	if got[check.RuleWaiverUnused] != 1 {
		t.Errorf("the unused waiver should be reported: %v", got)
	}
	if res.Failing[check.CatPolicy] != 1 {
		t.Errorf("the expired waiver must fail the gate: %v", res.Failing)
	}
	for _, f := range res.Findings {
		if f.RuleID == check.RuleWaiverExpired && (f.Line != 12 || !strings.HasSuffix(f.Path, "crank-gate.yaml")) {
			t.Errorf("expired waiver reported at %s:%d, want crank-gate.yaml:12", f.Path, f.Line)
		}
	}
}

func TestBaselineNewOnly(t *testing.T) {
	p, dir := fixture(t, basePolicy)
	res, err := check.Run(context.Background(), opts(p, highFixable))
	if err != nil {
		t.Fatal(err)
	}
	data, err := check.NewBaseline(res.Findings).MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), secretstest.GitHubPAT(21)) {
		t.Fatal("the baseline must not contain the secret")
	}
	if err := os.WriteFile(p.Baseline, data, 0o644); err != nil {
		t.Fatal(err)
	}
	o := opts(p, highFixable)
	o.NewOnly = true
	res, err = check.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() || len(res.Findings) != 0 || res.Baselined == 0 {
		t.Fatalf("everything is in the baseline, got %v (baselined %d)", res.Findings, res.Baselined)
	}
	// Moving the secret down keeps it known; a second secret is new.
	if err := os.WriteFile(filepath.Join(dir, "src/settings.env"), []byte("\n\n# moved\nTOKEN="+secretstest.GitHubPAT(21)+"\nOTHER="+secretstest.GitHubPAT(22)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err = check.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := rulesOf(res.Findings); got["github-pat"] != 1 || !res.Failed() {
		t.Fatalf("want exactly the new secret, got %v", res.Findings)
	}
}

func TestDBErrorAndMissingScanner(t *testing.T) {
	p, _ := fixture(t, basePolicy)
	o := opts(p)
	o.Vuln = func(check.VulnDB) (vuln.Scanner, func() error, error) {
		return nil, nil, errors.Join(vuln.ErrDB, errors.New("stale"))
	}
	res, err := check.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.DBError == nil || res.Failing[check.CatSecrets] != 1 {
		t.Fatalf("a DB problem is reported while the other categories still run: %+v", res)
	}
	o.Vuln = nil
	_, err = check.Run(context.Background(), o)
	var ie *check.InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "GOEXPERIMENT=jsonv2") {
		t.Fatalf("want an input error naming the build flag, got %v", err)
	}
}

func TestMissingDockerfileGlobIsInputError(t *testing.T) {
	p, _ := fixture(t, "version: 1\ntargets: {dockerfiles: [nope/Dockerfile]}\n")
	_, err := check.Run(context.Background(), opts(p))
	var ie *check.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("want an input error, got %v", err)
	}
}
