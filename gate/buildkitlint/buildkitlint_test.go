package buildkitlint

import (
	"context"
	"slices"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/rules"
)

// fired lists the rule names BuildKit reports for src.
func fired(t *testing.T, src string) []string {
	t.Helper()
	var out []string
	for _, w := range Lint(context.Background(), []byte(src), Options{}).Warnings {
		out = append(out, w.Rule)
	}
	return out
}

// TestCatalogueExamples runs every BuildKit check's documented Bad and Good
// example through BuildKit itself: Bad must report the check, Good must not.
func TestCatalogueExamples(t *testing.T) {
	checks := map[string]bool{}
	for _, c := range Checks() {
		checks[c.Name] = true
	}
	bk := rules.BuildKitRules()
	if len(bk) != len(checks) {
		t.Fatalf("catalogue has %d BuildKit rules, Checks() %d", len(bk), len(checks))
	}
	for _, r := range bk {
		t.Run(r.ID, func(t *testing.T) {
			if !checks[r.ID] {
				t.Fatalf("%s is not one of BuildKit's checks", r.ID)
			}
			bad, good := fired(t, r.Bad), fired(t, r.Good)
			// CopyIgnoredFile needs the build context's .dockerignore, which
			// a Dockerfile linter does not have: it must stay silent.
			wantBad := r.ID != "CopyIgnoredFile"
			if slices.Contains(bad, r.ID) != wantBad {
				t.Errorf("Bad example: BuildKit reported %v, want %s reported=%v", bad, r.ID, wantBad)
			}
			if slices.Contains(good, r.ID) {
				t.Errorf("Good example: BuildKit reported %v", good)
			}
		})
	}
}

func TestCheckDirective(t *testing.T) {
	src := "FROM alpine:3.20 as Build\nCMD echo hi\n"
	all := fired(t, src)
	for _, want := range []string{"FromAsCasing", "StageNameCasing", "JSONArgsRecommended"} {
		if !slices.Contains(all, want) {
			t.Fatalf("want %s in %v", want, all)
		}
	}
	skipped := fired(t, "# check=skip=JSONArgsRecommended,StageNameCasing\n"+src)
	if slices.Contains(skipped, "JSONArgsRecommended") || slices.Contains(skipped, "StageNameCasing") || !slices.Contains(skipped, "FromAsCasing") {
		t.Fatalf("check=skip: got %v", skipped)
	}
	if got := fired(t, "# check=skip=all\n"+src); len(got) != 0 {
		t.Fatalf("check=skip=all: got %v", got)
	}
	res := Lint(context.Background(), []byte("# check=error=true\n"+src), Options{})
	if !res.ErrorOnWarning || len(res.Warnings) == 0 || res.Err == nil {
		t.Fatalf("check=error=true: ErrorOnWarning=%v warnings=%d err=%v", res.ErrorOnWarning, len(res.Warnings), res.Err)
	}
	if res := Lint(context.Background(), []byte(src), Options{}); res.ErrorOnWarning || res.Err != nil {
		t.Fatalf("no directive: ErrorOnWarning=%v err=%v", res.ErrorOnWarning, res.Err)
	}
}

func TestLocationsAndTarget(t *testing.T) {
	src := "FROM alpine:3.20 AS a\nMAINTAINER x\nFROM alpine:3.20 AS b\nENV K v\n"
	res := Lint(context.Background(), []byte(src), Options{})
	lines := map[string]int{}
	for _, w := range res.Warnings {
		lines[w.Rule] = w.Line
	}
	if lines["MaintainerDeprecated"] != 2 || lines["LegacyKeyValueFormat"] != 4 {
		t.Fatalf("lines: %v", lines)
	}
	// Parse-time checks cover every stage even with a target, as in
	// BuildKit; an unknown target is BuildKit's own error.
	res = Lint(context.Background(), []byte(src), Options{Target: "b"})
	if res.Err != nil || len(res.Warnings) != 2 {
		t.Fatalf("target b: %v %v", res.Err, res.Warnings)
	}
	if res := Lint(context.Background(), []byte(src), Options{Target: "nope"}); res.Err == nil {
		t.Fatalf("unknown target: no error")
	}
}
