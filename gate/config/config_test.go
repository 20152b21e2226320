package config

import (
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

func TestApplyCrank(t *testing.T) {
	c := Default()
	err := c.ApplyCrank([]byte(`
fail-on: error
severity: {dl3006: error, CG1001: off}
ignore:
  - rule: DL4006
    reason: legacy
    paths: ["legacy/**"]
    expires: 2026-01-31
trusted-registries: ["*.gcr.io", "ghcr.io"]
required-uid: "65532"
label-schema: {maintainer: text}
`), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.FailOn != findings.Error || c.Severity["DL3006"] != findings.Error || c.Severity["CG1001"] != findings.None {
		t.Errorf("severities: %+v %v", c.Severity, c.FailOn)
	}
	ig := c.Ignores[0]
	if !ig.AppliesTo("legacy/app/Dockerfile") || ig.AppliesTo("app/Dockerfile") {
		t.Errorf("path matching wrong")
	}
	if !ig.Active(time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC)) || ig.Active(time.Date(2026, 2, 1, 0, 0, 1, 0, time.UTC)) {
		t.Errorf("expiry must hold through its day")
	}
	if c.RequiredUID != "65532" || len(c.TrustedRegistries) != 2 {
		t.Errorf("policy: %+v", c)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"fial-on: error\n", "field fial-on not found"},
		{"fail-on: loud\n", "unknown severity"},
		{"ignore: [{rule: DL3006}]\n", "reason is required"},
		{"ignore: [{rule: DL3006, reason: x, expires: soon}]\n", "must be a date"},
		{"required-uid: worker\n", "must be a number"},
	} {
		err := Default().ApplyCrank([]byte(tc.doc), "c.yaml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.doc, err, tc.want)
		}
	}
}

func TestApplyHadolint(t *testing.T) {
	c := Default()
	err := c.ApplyHadolint([]byte(`
ignored: [DL3008]
override:
  error: [DL3006]
  info: [DL4006]
trustedRegistries: [docker.io, my-company.com:5000]
failure-threshold: info
label-schema: {author: text}
no-color: true
`), ".hadolint.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Severity["DL3008"] != findings.None || c.Severity["DL3006"] != findings.Error || c.Severity["DL4006"] != findings.Info || c.FailOn != findings.Info {
		t.Errorf("hadolint mapping: %+v", c)
	}
	if err := Default().ApplyHadolint([]byte("ignore: [DL3008]\n"), "h"); err == nil {
		t.Errorf("unknown hadolint key must be an error")
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"*.gcr.io", "eu.gcr.io", true},
		{"*.gcr.io", "gcr.io", false},
		{"ghcr.io/org/**", "ghcr.io/org/a/b", true},
		{"ghcr.io/org/*", "ghcr.io/org/a/b", false},
		{"**:*-slim*", "docker.io/library/debian:12-slim", true},
	} {
		if got := Match(tc.p, tc.s); got != tc.want {
			t.Errorf("Match(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
}

func TestMatchRegistry(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"*.gcr.io", "eu.gcr.io", true},
		{"*.gcr.io", "a.b.gcr.io", false},
		{"*.gcr.io", "gcr.io", false},
		{"**.gcr.io", "a.b.gcr.io", true},
		{"**.gcr.io", "evil.com/x.gcr.io", false},
		{"*.gcr.io/org/**", "eu.gcr.io/org/a/b", true},
		{"*.gcr.io/org/**", "a.eu.gcr.io/org/a", false},
		{"registry.example.com/*", "registry.example.com/team.app", true},
		{"docker.io", "docker.io", true},
		{"**", "a.b.c", true},
	} {
		if got := MatchRegistry(tc.p, tc.s); got != tc.want {
			t.Errorf("MatchRegistry(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
}
