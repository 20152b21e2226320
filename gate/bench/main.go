// Command bench lints every Dockerfile under a directory with all rules
// and prints wall time and the per-file median, for "make bench-gate".
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/lint"
	"github.com/crank-platform/terraform-provider-crank/gate/rules"
)

func main() {
	def := os.Getenv("CRANK_GATE_CORPUS")
	if def == "" {
		def = "/work/shared/corpus/dockerfiles"
	}
	dir := flag.String("dir", def, "directory of Dockerfiles (env CRANK_GATE_CORPUS)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the timed run")
	flag.Parse()
	var paths []string
	err := filepath.WalkDir(*dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && d.Name() != "LICENSE" {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil || len(paths) == 0 {
		fmt.Fprintf(os.Stderr, "bench: no files under %s: %v\n", *dir, err)
		os.Exit(2)
	}
	inputs := make([]lint.Input, len(paths))
	for i, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %v\n", err)
			os.Exit(2)
		}
		inputs[i] = lint.Input{Path: p, Data: data}
	}
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		if err == nil && pprof.StartCPUProfile(pf) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	start := time.Now()
	res, errs := lint.Lint(inputs, lint.Options{})
	wall := time.Since(start)

	per := make([]time.Duration, len(inputs))
	for i, in := range inputs {
		t := time.Now()
		lint.Lint([]lint.Input{in}, lint.Options{})
		per[i] = time.Since(t)
	}
	sort.Slice(per, func(i, j int) bool { return per[i] < per[j] })
	perRule := map[string]int{}
	for _, f := range res.Findings {
		perRule[f.RuleID]++
	}
	ids := make([]string, 0, len(perRule))
	for id := range perRule {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return perRule[ids[i]] > perRule[ids[j]] })
	fmt.Printf("files: %d (%d not lintable)\nrules: %d\nfindings: %d\nwall time (all files, parallel): %v\nper-file median: %v\nper-file p95: %v\nper-file max: %v\n",
		len(inputs), len(errs), len(rules.All()), len(res.Findings), wall.Round(time.Microsecond),
		per[len(per)/2].Round(time.Microsecond), per[len(per)*95/100].Round(time.Microsecond), per[len(per)-1].Round(time.Microsecond))
	fmt.Println("findings per rule:")
	for _, id := range ids {
		fmt.Printf("  %-7s %d\n", id, perRule[id])
	}
	for _, e := range errs {
		fmt.Printf("not lintable: %v\n", e)
	}
	buildkitCost(inputs)
}

// buildkitCost times the corpus with and without BuildKit's own checks,
// alternating runs so both see the same machine load, and prints the best
// of each: the budget is that they add at most 20%.
func buildkitCost(inputs []lint.Input) {
	var without []rules.Rule
	for _, r := range rules.All() {
		if !rules.IsBuildKitRule(r) {
			without = append(without, r)
		}
	}
	best := [2]time.Duration{1 << 62, 1 << 62}
	for i := 0; i < 7; i++ {
		for k, cat := range [][]rules.Rule{without, rules.All()} {
			t := time.Now()
			lint.Lint(inputs, lint.Options{Catalogue: cat})
			best[k] = min(best[k], time.Since(t))
		}
	}
	fmt.Printf("BuildKit checks: best of 7 alternating runs, without %v, with %v (%+.0f%%)\n",
		best[0].Round(time.Millisecond), best[1].Round(time.Millisecond), 100*(float64(best[1])/float64(best[0])-1))
}
