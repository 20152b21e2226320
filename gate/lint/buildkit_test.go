package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/buildkitlint"
	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/rules"
)

func lintSrc(t *testing.T, src string, opt Options) []findings.Finding {
	t.Helper()
	res, errs := Lint([]Input{{Path: "Dockerfile", Data: []byte(src)}}, opt)
	if len(errs) > 0 {
		t.Fatalf("lint: %v", errs)
	}
	return res.Findings
}

func ruleIDs(fs []findings.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID)
	}
	return out
}

func TestBuildKitChecks(t *testing.T) {
	src := "FROM alpine:3.20 as Build\nMAINTAINER me\nENV K v\nEXPOSE 80/TCP\nUSER 1000\n"
	if ids := ruleIDs(lintSrc(t, src, Options{})); slices.Contains(ids, "FromAsCasing") {
		t.Errorf("BuildKit's checks are off by default: %v", ids)
	}
	on := config.Default()
	on.BuildKitChecks = true
	ids := ruleIDs(lintSrc(t, src, Options{Config: on}))
	for _, want := range []string{"FromAsCasing", "StageNameCasing", "LegacyKeyValueFormat", "ExposeProtoCasing", "DL4000"} {
		if !slices.Contains(ids, want) {
			t.Errorf("want %s in %v", want, ids)
		}
	}
	// DL4000 says what MaintainerDeprecated says and wins.
	if slices.Contains(ids, "MaintainerDeprecated") {
		t.Errorf("MaintainerDeprecated must be left to DL4000: %v", ids)
	}
	only := ruleIDs(lintSrc(t, src, Options{Only: []string{"maintainerdeprecated", "stagenamecasing"}}))
	if !slices.Equal(only, []string{"StageNameCasing", "MaintainerDeprecated"}) && !slices.Equal(only, []string{"MaintainerDeprecated", "StageNameCasing"}) {
		t.Errorf("--only (any case): got %v", only)
	}
}

func TestBuildKitCheckDirectiveAndPragmas(t *testing.T) {
	src := "FROM alpine:3.20 as build\nUSER 1000\n"
	fs := lintSrc(t, "# check=error=true\n"+src, Options{Only: []string{"FromAsCasing"}})
	if len(fs) != 1 || fs[0].Severity != findings.Error || fs[0].Line != 2 {
		t.Fatalf("check=error=true: %+v", fs)
	}
	if fs := lintSrc(t, "# check=skip=FromAsCasing\n"+src, Options{Only: []string{"FromAsCasing", "CG0001"}}); len(fs) != 0 {
		t.Fatalf("check=skip: %+v", fs)
	}
	if fs := lintSrc(t, "# crank-gate ignore=FromAsCasing reason=\"legacy\"\n"+src, Options{Only: []string{"FromAsCasing", "CG0001"}}); len(fs) != 0 {
		t.Fatalf("crank-gate ignore: %+v", fs)
	}
	if fs := lintSrc(t, src, Options{Only: []string{"FromAsCasing"}}); len(fs) != 1 || fs[0].Severity != findings.Style {
		t.Fatalf("plain: %+v", fs)
	}
}

func TestBuildKitBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("FROM debian:12 AS s0\n")
	for i := 1; i <= buildkitMaxStages; i++ {
		fmt.Fprintf(&b, "FROM s%d AS s%d\n", i-1, i)
	}
	fs := lintSrc(t, b.String(), Options{Only: []string{"FromAsCasing"}})
	if len(fs) != 1 || fs[0].RuleID != rules.CG0000.ID || !strings.Contains(fs[0].Message, "BuildKit's own checks were not run") {
		t.Fatalf("over budget: %+v", fs)
	}
	// "ENV A=$A$A" doubles per line: 2^48 bytes if BuildKit expanded it.
	doubling := "FROM debian:12\nENV A=x\n" + strings.Repeat("ENV A=$A$A\n", 48)
	fs = lintSrc(t, doubling, Options{Only: []string{"FromAsCasing"}})
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "can expand to") {
		t.Fatalf("doubling: %+v", fs)
	}
}

func TestBuildKitUndefinedVarNeedsKnownBase(t *testing.T) {
	only := Options{Only: []string{"UndefinedVar"}}
	if fs := lintSrc(t, "FROM scratch\nCOPY $SRC /app\n", only); len(fs) != 1 {
		t.Fatalf("scratch stage: %+v", fs)
	}
	// JAVA_HOME may come from the base image, which the gate never fetches.
	if fs := lintSrc(t, "FROM eclipse-temurin:21\nRUN true\nENV P=$JAVA_HOME/bin\n", only); len(fs) != 0 {
		t.Fatalf("image stage: %+v", fs)
	}
}

// corpusFiles reads the shared corpus of real-world Dockerfiles; a
// machine without it skips the caller.
func corpusFiles(tb testing.TB) []Input {
	tb.Helper()
	var out []Input
	filepath.WalkDir("/work/shared/corpus/dockerfiles", func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && d.Name() != "LICENSE" {
			data, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, Input{Path: p, Data: data})
		}
		return nil
	})
	if len(out) == 0 {
		tb.Skip("shared corpus not present")
	}
	return out
}

// TestBuildKitCorpusEqualsBuildKit lints the shared corpus with only the
// BuildKit checks selected and compares with BuildKit's linter run directly
// on each file: the same library, so the same findings, except the
// documented UndefinedVar cases in stages built from an image.
func TestBuildKitCorpusEqualsBuildKit(t *testing.T) {
	files := corpusFiles(t)
	var only []string
	for _, r := range rules.BuildKitRules() {
		only = append(only, r.ID)
	}
	total, dropped := 0, 0
	perRule := map[string]int{}
	for _, in := range files {
		p, data := in.Path, in.Data
		f, err := dockerfile.Parse(data, dockerfile.Options{Path: p})
		if err != nil {
			continue
		}
		var want []string
		for _, w := range buildkitlint.Lint(context.Background(), data, buildkitlint.Options{}).Warnings {
			if w.Rule == "UndefinedVar" {
				if in := instructionAt(f, w.Line); in == nil || !rootedInScratch(in.Stage) {
					dropped++
					continue
				}
			}
			want = append(want, fmt.Sprintf("%s:%d", w.Rule, w.Line))
		}
		res, errs := Lint([]Input{{Path: p, Data: data}}, Options{Only: only})
		if len(errs) > 0 {
			t.Fatalf("%s: %v", p, errs)
		}
		var got []string
		for _, fd := range res.Findings {
			if fd.RuleID == rules.CG0000.ID {
				continue
			}
			got = append(got, fmt.Sprintf("%s:%d", fd.RuleID, fd.Line))
			perRule[fd.RuleID]++
		}
		sort.Strings(want)
		sort.Strings(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: crank-gate %v, BuildKit %v", filepath.Base(p), got, want)
		}
		total += len(got)
	}
	t.Logf("%d files, %d BuildKit findings, equal to BuildKit's own; %d UndefinedVar dropped (variables of unfetched base images); per rule: %v", len(files), total, dropped, perRule)
}

// TestBuildKitRunScriptsBlanked: what BuildKit is handed instead of each
// RUN's shell text keeps every line and everything its checks read, so
// its findings on the blanked file are its findings on the file.
func TestBuildKitRunScriptsBlanked(t *testing.T) {
	cases := []struct{ name, src string }{
		{"continued RUN", "FROM scratch\nRUN apt-get update && \\\n    apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\nCMD [\"/app\"]\n"},
		{"flags on the next lines", "FROM scratch\nRUN \\\n  --mount=type=secret,id=$SECRET_ID \\\n  --network=none \\\n  make\n"},
		{"undefined var in a mount", "FROM scratch\nRUN --mount=type=cache,target=$CACHE make && \\\n  make install\n"},
		{"empty continuation line", "FROM scratch\nRUN make \\\n\n  install\n"},
		{"comment in a continuation", "FROM scratch\nRUN make \\\n  # the tests\n  && make test\n"},
		{"heredoc", "FROM scratch\nRUN <<EOF\nset -e \\\n\nmake\nEOF\n"},
		{"exec form", "FROM scratch\nRUN [\"make\", \\\n  \"install\"]\n"},
		{"backtick escape", "# escape=`\nFROM scratch\nRUN make `\n  install\nrun true\n"},
		{"quoted flag", "FROM scratch\nRUN --mount=type=bind,source=\"a b\",target=/x make \\\n  install\n"},
		{"casing", "FROM scratch AS Build\nrun make\nRUN make \\\n  test\n"},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := dockerfile.Parse([]byte(c.src), dockerfile.Options{})
			if err != nil {
				t.Fatal(err)
			}
			blanked := runScriptsBlanked(f, []byte(c.src))
			if got, want := strings.Count(string(blanked), "\n"), strings.Count(c.src, "\n"); got != want {
				t.Fatalf("%d lines, want %d:\n%s", got, want, blanked)
			}
			warnings := func(src []byte) []string {
				var out []string
				for _, w := range buildkitlint.Lint(context.Background(), src, buildkitlint.Options{}).Warnings {
					out = append(out, fmt.Sprintf("%s:%d-%d %s", w.Rule, w.Line, w.EndLine, w.Message))
					seen[w.Rule] = true
				}
				return out
			}
			if got, want := warnings(blanked), warnings([]byte(c.src)); !slices.Equal(got, want) {
				t.Errorf("BuildKit on the blanked file %v, on the file %v; blanked:\n%s", got, want, blanked)
			}
		})
	}
	// The cases must exercise the checks a blanked RUN could hide.
	for _, rule := range []string{"UndefinedVar", "NoEmptyContinuation", "ConsistentInstructionCasing", "StageNameCasing"} {
		if !seen[rule] {
			t.Errorf("no case makes BuildKit report %s", rule)
		}
	}
	f, _ := dockerfile.Parse([]byte(cases[0].src), dockerfile.Options{})
	if got := string(runScriptsBlanked(f, []byte(cases[0].src))); got != "FROM scratch\nRUN x \\\nx \\\nx\nCMD [\"/app\"]\n" {
		t.Errorf("the RUN's shell text must be blanked, got:\n%s", got)
	}
}

// TestBuildKitCorpusReportedOnce lints the shared corpus with the default
// catalogue and BuildKit's checks on: a BuildKit warning that a DL/CG rule
// also makes (the rule names it in Equivalents.BuildKit) must be reported
// once, by that rule at the same line, never under both names.
func TestBuildKitCorpusReportedOnce(t *testing.T) {
	files := corpusFiles(t)
	winners := map[string][]string{}
	for _, r := range rules.All() {
		if !rules.IsBuildKitRule(r) && r.DefaultOn(config.Default()) {
			for _, name := range r.Equivalents.BuildKit {
				winners[name] = append(winners[name], r.ID)
			}
		}
	}
	on := config.Default()
	on.BuildKitChecks = true
	own, byWinner := map[string]int{}, map[string]int{}
	for _, in := range files {
		p, data := in.Path, in.Data
		f, err := dockerfile.Parse(data, dockerfile.Options{Path: p})
		if err != nil {
			continue
		}
		res, errs := Lint([]Input{{Path: p, Data: data}}, Options{Config: on})
		if len(errs) > 0 {
			t.Fatalf("%s: %v", p, errs)
		}
		at := map[string]bool{}
		for _, fd := range res.Findings {
			at[fmt.Sprintf("%s:%d", fd.RuleID, fd.Line)] = true
		}
		for _, w := range buildkitlint.Lint(context.Background(), data, buildkitlint.Options{}).Warnings {
			if w.Rule == "UndefinedVar" {
				if in := instructionAt(f, w.Line); in == nil || !rootedInScratch(in.Stage) {
					continue
				}
			}
			key := fmt.Sprintf("%s:%d", w.Rule, w.Line)
			ws := winners[w.Rule]
			if len(ws) == 0 {
				if !at[key] {
					t.Errorf("%s: BuildKit's %s at line %d is not reported", filepath.Base(filepath.Dir(p)), w.Rule, w.Line)
				}
				own[w.Rule]++
				continue
			}
			if at[key] {
				t.Errorf("%s: %s at line %d is reported under BuildKit's name although %v make the same check", filepath.Base(filepath.Dir(p)), w.Rule, w.Line, ws)
			}
			won := false
			for _, id := range ws {
				won = won || at[fmt.Sprintf("%s:%d", id, w.Line)]
			}
			if !won {
				t.Errorf("%s: BuildKit's %s at line %d is left to %v, which do not report it", filepath.Base(filepath.Dir(p)), w.Rule, w.Line, ws)
			}
			byWinner[w.Rule+"->"+strings.Join(ws, "/")]++
		}
	}
	t.Logf("%d files; reported under BuildKit's names: %v; reported once by the DL/CG rule that makes the same check: %v", len(files), own, byWinner)
}
