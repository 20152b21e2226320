package lint

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

func run(t *testing.T, src string, opt Options) *Result {
	t.Helper()
	res, errs := Lint([]Input{{Path: "Dockerfile", Data: []byte(src)}}, opt)
	if len(errs) > 0 {
		t.Fatalf("Lint: %v", errs)
	}
	return res
}

func ids(res *Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.RuleID+"@"+strconv.Itoa(f.Line))
	}
	return out
}

func TestSuppressions(t *testing.T) {
	only := []string{"DL3006", "DL3002", "CG0001"}
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"none", "FROM debian\nUSER root\n", []string{"DL3006@1", "DL3002@2"}},
		{"crank next", "# crank-gate ignore=DL3006 reason=\"legacy base\"\nFROM debian\nUSER root\n", []string{"DL3002@3"}},
		{"next allows comments between", "# hadolint ignore=DL3006\n# why: upstream\n\nFROM debian\nUSER root\n", []string{"DL3002@5"}},
		{"next does not reach further", "# hadolint ignore=DL3002\nFROM debian\nUSER root\n", []string{"CG0001@1", "DL3006@2", "DL3002@3"}},
		{"global", "# hadolint global ignore=DL3006,DL3002\nFROM debian\nUSER root\n", nil},
		{"stage", "FROM debian AS a\n# crank-gate stage ignore=DL3006\nRUN true\nFROM ubuntu\nUSER root\n# crank-gate stage ignore=DL3002\nRUN true\n", []string{"DL3006@4"}},
		{"trivy", "#trivy:ignore:AVD-DS-0001\nFROM debian\n", nil},
		{"buildkit check skip", "# check=skip=DL3006\nFROM debian\n", nil},
		{"unused reported", "FROM debian:12\n# crank-gate ignore=DL3006 reason=x\nUSER 1000\n", []string{"CG0001@2"}},
		{"unknown id not judged", "FROM debian:12\n# hadolint ignore=DL3999\nUSER 1000\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(run(t, tc.src, Options{Only: only})); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDisableIgnorePragma(t *testing.T) {
	cfg := config.Default()
	cfg.DisableIgnorePragma = true
	got := ids(run(t, "# hadolint ignore=DL3006\nFROM debian\n", Options{Config: cfg, Only: []string{"DL3006"}}))
	if !slices.Equal(got, []string{"DL3006@2"}) {
		t.Errorf("got %v", got)
	}
}

func TestConfigIgnoresAndExpiry(t *testing.T) {
	cfg := config.Default()
	if err := cfg.ApplyCrank([]byte(`
ignore:
  - {rule: DL3006, reason: "base migration", expires: 2026-03-01}
  - {rule: DL3002, reason: "never matches"}
`), ".crank-gate.yaml"); err != nil {
		t.Fatal(err)
	}
	src := "FROM debian\n"
	opt := Options{Config: cfg, Only: []string{"DL3006", "DL3002", "CG0001", "CG0002"}}
	cfg.Now = func() time.Time { return time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC) }
	res := run(t, src, opt)
	if got := ids(res); !slices.Equal(got, []string{"CG0001@1"}) || res.Suppressed != 1 {
		t.Errorf("before expiry: %v suppressed=%d", got, res.Suppressed)
	}
	cfg.Now = func() time.Time { return time.Date(2026, 3, 2, 0, 0, 1, 0, time.UTC) }
	res = run(t, src, opt)
	got := ids(res)
	if !slices.Contains(got, "DL3006@1") || !slices.Contains(got, "CG0002@1") {
		t.Errorf("after expiry: %v", got)
	}
	for _, f := range res.Findings {
		if f.RuleID == "CG0002" && (!strings.Contains(f.Message, "2026-03-01") || f.Path != ".crank-gate.yaml") {
			t.Errorf("expired message: %+v", f)
		}
	}
}

func TestSeverityOverrideAndOnly(t *testing.T) {
	cfg := config.Default()
	cfg.Severity["DL3006"] = findings.Error
	cfg.Severity["DL3002"] = findings.None
	res := run(t, "FROM debian\nUSER root\n", Options{Config: cfg})
	for _, f := range res.Findings {
		if f.RuleID == "DL3002" {
			t.Errorf("disabled rule reported")
		}
		if f.RuleID == "DL3006" && f.Severity != findings.Error {
			t.Errorf("override not applied: %v", f.Severity)
		}
	}
	if _, errs := Lint(nil, Options{Only: []string{"XX9999"}}); len(errs) == 0 {
		t.Errorf("unknown --only id must be an error")
	}
}

func TestParseErrorsAreFindings(t *testing.T) {
	res := run(t, "FROM debian:12\nHEALTHCHECK --interval=xx CMD true\nUSER root\n", Options{Only: []string{"DL3002"}})
	if got := ids(res); !slices.Equal(got, []string{"CG0000@2", "DL3002@3"}) {
		t.Errorf("got %v", got)
	}
	_, errs := Lint([]Input{{Path: "bad", Data: []byte("FROM a\nRUN <<EOF\nnever ends\n")}, {Path: "empty", Data: []byte("# nothing\n")}}, Options{})
	if len(errs) != 2 {
		t.Fatalf("want 2 file errors, got %v", errs)
	}
	var fe *FileError
	if !errors.As(errs[0], &fe) || !strings.Contains(errs[0].Error(), "unterminated heredoc") || !errors.Is(errs[1], dockerfile.ErrNoInstructions) {
		t.Errorf("errors: %v", errs)
	}
}

func TestConfigEnablesRules(t *testing.T) {
	const registryFile = "FROM quay.io/org/app:1\nUSER 1000\n"
	const labelFile = "FROM alpine:3.20\nLABEL org.opencontainers.image.version=v1 maintainer=\"a\"\nUSER 1000\n"
	has := func(res *Result, id string) bool {
		for _, f := range res.Findings {
			if f.RuleID == id {
				return true
			}
		}
		return false
	}
	if res := run(t, registryFile, Options{}); has(res, "DL3026") {
		t.Errorf("DL3026 must stay off without trusted registries")
	}
	cfg := config.Default()
	if err := cfg.ApplyHadolint([]byte("trustedRegistries: [docker.io]\n"), ".hadolint.yaml"); err != nil {
		t.Fatal(err)
	}
	if res := run(t, registryFile, Options{Config: cfg}); !has(res, "DL3026") {
		t.Errorf("trustedRegistries in .hadolint.yaml must enable DL3026: %v", ids(res))
	}
	cfg.Severity["DL3026"] = findings.None
	if res := run(t, registryFile, Options{Config: cfg}); has(res, "DL3026") {
		t.Errorf("a severity override of none must still disable DL3026")
	}

	labelRules := []string{"DL3049", "DL3050", "DL3056", "DL3058"}
	for _, id := range labelRules {
		if res := run(t, labelFile, Options{}); has(res, id) {
			t.Errorf("%s must stay off without a label schema", id)
		}
	}
	cfg = config.Default()
	cfg.LabelSchema = map[string]string{"org.opencontainers.image.version": "semver", "maintainer": "email", "org.opencontainers.image.source": "url"}
	cfg.StrictLabels = true
	res := run(t, "FROM alpine:3.20\nLABEL org.opencontainers.image.version=v1 maintainer=\"a\" extra=x\nUSER 1000\n", Options{Config: cfg})
	for _, id := range labelRules {
		if !has(res, id) {
			t.Errorf("a label schema must enable %s: %v", id, ids(res))
		}
	}
}
