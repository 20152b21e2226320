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
		{"image: {max-image-size: huge}\n", "image.max-image-size: \"huge\" is not a size"},
		{"image: {max-file-bytes: 0}\n", "image.max-file-bytes: must be above 0"},
		{"image: {max-entries: 0}\n", "image.max-entries: 0 is not allowed"},
		{"image: {max-json-bytes: 0}\n", "image.max-json-bytes: must be above 0"},
		{"image: {max-path-bytes: lots}\n", "image.max-path-bytes: \"lots\" is not a size"},
		{"image: {max-manifests: 0}\n", "image.max-manifests: 0 is not allowed"},
		{"image: {max-layers: -1}\n", "image.max-layers: -1 is not allowed"},
		{"image: {allowed-ports: [80, 70000]}\n", "image.allowed-ports[1]: 70000 is not a port number"},
		{"image: {allow-setuid: [bin/ping]}\n", "image.allow-setuid[0]: \"bin/ping\" must be an absolute path pattern"},
		{"image: {max-layer: 1}\n", "field max-layer not found"},
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

func TestImageSection(t *testing.T) {
	c := Default()
	doc := `image:
  max-image-size: 200MiB
  max-layers: 0
  allow-setuid: [/usr/bin/passwd, "/opt/**/helper"]
  allowed-ports: [80, 443]
  secret-skip-paths: ["/srv/fixtures/**"]
  max-layer-bytes: 2GiB
  max-file-bytes: 1MiB
  max-entries: 5000
  max-total-bytes: 20GiB
  max-json-bytes: 2MiB
  max-path-bytes: 1KiB
  max-path-index-bytes: 64MiB
  max-manifests: 12
`
	if err := c.ApplyCrank([]byte(doc), "c.yaml"); err != nil {
		t.Fatal(err)
	}
	im := c.Image
	if *im.MaxTotalBytes != 20<<30 || *im.MaxJSONBytes != 2<<20 || *im.MaxPathBytes != 1<<10 || *im.MaxPathIndexBytes != 64<<20 || *im.MaxManifests != 12 {
		t.Errorf("budgets: %+v", im)
	}
	if im.MaxImageBytes == nil || *im.MaxImageBytes != 200<<20 {
		t.Errorf("max-image-size: %v", im.MaxImageBytes)
	}
	if im.MaxLayers == nil || *im.MaxLayers != 0 {
		t.Errorf("max-layers 0 (disabled) must be kept as set: %v", im.MaxLayers)
	}
	if im.MaxLayerBytes == nil || *im.MaxLayerBytes != 2<<30 || im.MaxFileBytes == nil || *im.MaxFileBytes != 1<<20 || im.MaxEntries == nil || *im.MaxEntries != 5000 {
		t.Errorf("limits: %+v", im)
	}
	if len(im.SetuidAllowlist) != 2 || len(im.AllowedPorts) != 2 || len(im.SecretSkipPaths) != 1 {
		t.Errorf("lists: %+v", im)
	}
	// Unset keys stay nil, so the image package keeps its defaults.
	c = Default()
	if err := c.ApplyCrank([]byte("image: {allowed-ports: [80]}\n"), "c.yaml"); err != nil {
		t.Fatal(err)
	}
	if c.Image.MaxImageBytes != nil || c.Image.MaxLayers != nil || c.Image.SecretSkipPaths != nil {
		t.Errorf("unset keys were set: %+v", c.Image)
	}
}
