package rules

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// Case is one row of a rule's table test.
type Case struct {
	Name       string
	Dockerfile string
	// Fire says whether the rule must report at least once.
	Fire bool
	// Lines, when set, are exactly the lines the rule must report.
	Lines []int
	// Target and BuildArgs are passed to the parser like --target and
	// --build-arg.
	Target    string
	BuildArgs map[string]string
	// Config adjusts a copy of config.Default() for this case.
	Config func(*config.Config)
	// Hadolint marks a case ported from hadolint's own spec
	// (test/Hadolint/Rule/DLxxxxSpec.hs): it must hold both with crank's
	// defaults and under compat: hadolint.
	Hadolint bool
}

// hadolintCases ports one-line cases of a hadolint spec: each snippet
// ("RUN dnf install -y x") is put under a FROM, as hadolint's test
// helper lints it, and, for RUN snippets, also as an ONBUILD trigger
// (hadolint's onBuildRuleCatches).
func hadolintCases(fire bool, snippets ...string) []Case {
	var out []Case
	for _, s := range snippets {
		out = append(out, Case{Name: "hadolint/" + s, Dockerfile: "FROM debian:12\n" + s + "\n", Fire: fire, Hadolint: true})
		if strings.HasPrefix(s, "RUN ") {
			out = append(out, Case{Name: "hadolint/ONBUILD " + s, Dockerfile: "FROM debian:12\nONBUILD " + s + "\n", Fire: fire, Hadolint: true})
		}
	}
	return out
}

var (
	coverageMu sync.Mutex
	// coverage counts, per rule, the must-fire and must-not-fire cases run;
	// TestMain fails the run when a catalogue rule has too few of either.
	coverage = map[string]*[2]int{}
)

// runCases runs one rule over a table of Dockerfiles.
func runCases(t *testing.T, r Rule, cases []Case) {
	t.Helper()
	for _, c := range cases {
		if c.Hadolint {
			compat := c
			compat.Name += "/compat"
			prev := c.Config
			compat.Config = func(cfg *config.Config) {
				if prev != nil {
					prev(cfg)
				}
				cfg.Compat = config.CompatHadolint
			}
			compat.Hadolint = false
			cases = append(cases, compat)
		}
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Helper()
			lines := lintLines(t, r, c)
			if c.Fire {
				markCoverage(r.ID, 0)
				if len(lines) == 0 {
					t.Fatalf("%s must fire on:\n%s", r.ID, c.Dockerfile)
				}
				if c.Lines != nil && !slices.Equal(lines, c.Lines) {
					t.Fatalf("%s fired on lines %v, want %v", r.ID, lines, c.Lines)
				}
			} else {
				markCoverage(r.ID, 1)
				if len(lines) != 0 {
					t.Fatalf("%s must not fire, but fired on lines %v of:\n%s", r.ID, lines, c.Dockerfile)
				}
			}
		})
	}
}

func lintLines(t *testing.T, r Rule, c Case) []int {
	t.Helper()
	f, err := dockerfile.Parse([]byte(c.Dockerfile), dockerfile.Options{Path: "Dockerfile", Target: c.Target, BuildArgs: c.BuildArgs})
	if err != nil {
		t.Fatalf("test Dockerfile does not parse: %v", err)
	}
	cfg := config.Default()
	if c.Config != nil {
		c.Config(cfg)
	}
	var lines []int
	for _, fd := range Run(f, []Rule{r}, cfg) {
		lines = append(lines, fd.Line)
	}
	sort.Ints(lines)
	return lines
}

func markCoverage(id string, kind int) {
	coverageMu.Lock()
	defer coverageMu.Unlock()
	if coverage[id] == nil {
		coverage[id] = &[2]int{}
	}
	coverage[id][kind]++
}

// minCases is how many must-fire and must-not-fire cases every rule needs:
// a migrating user's variants (multi-stage, exec form, heredoc, line
// continuations, &&/;/|| chains) do not fit in fewer.
const minCases = 5

func TestMain(m *testing.M) {
	code := m.Run()
	// Only a full run can tell whether every rule has both kinds of case.
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && !testing.Short() {
		var missing []string
		for _, r := range All() {
			if r.Builtin {
				continue
			}
			c := coverage[r.ID]
			if c == nil || c[0] < minCases || c[1] < minCases {
				got := [2]int{}
				if c != nil {
					got = *c
				}
				missing = append(missing, fmt.Sprintf("%s (%d fire, %d quiet)", r.ID, got[0], got[1]))
			}
		}
		if len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: rules with fewer than %d must-fire or %d must-not-fire table cases (use runCases in <id>_test.go): %s\n", minCases, minCases, strings.Join(missing, ", "))
			code = 1
		}
	}
	os.Exit(code)
}
