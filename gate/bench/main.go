// Command bench lints every Dockerfile under a directory with all rules
// and prints wall time and the per-file median, for "make bench-gate".
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sort"
	"syscall"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
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

// buildkitCost times the corpus with and without BuildKit's own checks
// (buildkit-checks: true), alternating runs so both see the same machine
// load. They stay off by default while they cost more than 20%.
func buildkitCost(inputs []lint.Input) {
	without := rules.WithoutBuildKit()
	// Wall time on a shared machine is noise; CPU time (user+system, all
	// threads) is what the checks cost, so both are printed. Other work on
	// the machine slows both halves of a pair alike, so the median of the
	// per-pair ratios is the figure that holds still from run to run.
	on := config.Default()
	on.BuildKitChecks = true
	const runs = 11
	var wall, cpu [2][]time.Duration
	var ratios []float64
	for i := 0; i < runs; i++ {
		var c [2]time.Duration
		for k, cat := range [][]rules.Rule{without, rules.All()} {
			t, c0 := time.Now(), cpuTime()
			lint.Lint(inputs, lint.Options{Catalogue: cat, Config: on})
			wall[k] = append(wall[k], time.Since(t))
			c[k] = cpuTime() - c0
			cpu[k] = append(cpu[k], c[k])
		}
		ratios = append(ratios, float64(c[1])/float64(c[0]))
	}
	med := func(d []time.Duration) time.Duration {
		d = slices.Clone(d)
		slices.Sort(d)
		return d[len(d)/2].Round(time.Millisecond)
	}
	slices.Sort(ratios)
	fmt.Printf("BuildKit checks: median of %d alternating runs, wall without %v, with %v; CPU without %v, with %v; CPU cost %+.0f%% (median of per-pair ratios; budget +20%%)\n",
		runs, med(wall[0]), med(wall[1]), med(cpu[0]), med(cpu[1]), 100*(ratios[len(ratios)/2]-1))
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
