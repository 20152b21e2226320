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
}

var (
	coverageMu sync.Mutex
	// coverage records which rules ran must-fire and must-not-fire cases;
	// TestMain fails the run when a catalogue rule lacks either.
	coverage = map[string]*[2]bool{}
)

// runCases runs one rule over a table of Dockerfiles.
func runCases(t *testing.T, r Rule, cases []Case) {
	t.Helper()
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
		coverage[id] = &[2]bool{}
	}
	coverage[id][kind] = true
}

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
			if c == nil || !c[0] || !c[1] {
				missing = append(missing, r.ID)
			}
		}
		if len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: rules without both must-fire and must-not-fire table cases (use runCases in <id>_test.go): %s\n", strings.Join(missing, ", "))
			code = 1
		}
	}
	os.Exit(code)
}
