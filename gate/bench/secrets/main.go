// Command secrets-bench times `crank-gate secrets` against the gitleaks CLI
// on the same tree and prints both side by side; every finding (rule, file,
// line, column) must be the same in both, otherwise it exits 1.
//
//	go build -o /tmp/crank-gate ./gate/cmd/crank-gate
//	go install github.com/zricethezav/gitleaks/v8@v8.30.1   # into GOBIN, e.g. /tmp/peers
//	go run ./gate/bench/secrets -crank-gate /tmp/crank-gate -gitleaks /tmp/peers/gitleaks -tree DIR
//
// Without -tree it copies about 20 MB of Go source from the module cache
// into a temp dir, so both tools see exactly the same files.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	crank := flag.String("crank-gate", "crank-gate", "crank-gate binary")
	crankRE2 := flag.String("crank-gate-re2", "", "optional crank-gate built with -tags gore2regex (gitleaks' release engine), timed as a third row")
	gitleaks := flag.String("gitleaks", "gitleaks", "gitleaks v8.30.1 binary, built as its releases are (-tags gore2regex)")
	gitleaksStd := flag.String("gitleaks-regexp", "", "optional gitleaks v8.30.1 built without tags (Go's regexp, what plain go install gives), timed as another row")
	tree := flag.String("tree", "", "tree to scan (default: a ~20 MB copy of Go sources from the module cache)")
	sizeMB := flag.Int("mb", 20, "size of the default tree in MB")
	runs := flag.Int("runs", 3, "runs per tool; the median is reported")
	flag.Parse()
	if *tree == "" {
		dir, err := os.MkdirTemp("", "secrets-bench-")
		if err != nil {
			fatal(err)
		}
		defer os.RemoveAll(dir)
		n, files, err := copyGoSources(dir, int64(*sizeMB)<<20)
		if err != nil {
			fatal(err)
		}
		fmt.Printf("tree: %s (%d files, %.1f MB of Go source from the module cache)\n", dir, files, float64(n)/(1<<20))
		*tree = dir
	}
	out, err := os.MkdirTemp("", "secrets-bench-out-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(out)
	type result struct {
		name     string
		times    []time.Duration
		findings []string // rule path:line:column, sorted
	}
	type tool struct {
		name string
		cmd  func(report string) *exec.Cmd
		read func(report string) ([]string, error)
	}
	crankTool := func(name, bin string) tool {
		return tool{name, func(r string) *exec.Cmd {
			return exec.Command(bin, "secrets", "--format", "json="+r, *tree)
		}, readCrank}
	}
	gitleaksTool := func(name, bin string) tool {
		return tool{name, func(r string) *exec.Cmd {
			return exec.Command(bin, "dir", *tree, "--no-banner", "--log-level", "error", "-f", "json", "-r", r, "--exit-code", "0")
		}, readGitleaks}
	}
	tools := []tool{gitleaksTool("gitleaks dir", *gitleaks)}
	if *gitleaksStd != "" {
		tools = append(tools, gitleaksTool("gitleaks (Go regexp)", *gitleaksStd))
	}
	tools = append(tools, crankTool("crank-gate secrets", *crank))
	if *crankRE2 != "" {
		tools = append(tools, crankTool("crank-gate (re2)", *crankRE2))
	}
	// Runs are interleaved (every tool once, then again), so that a machine
	// that speeds up or slows down during the benchmark skews no tool.
	results := make([]result, len(tools))
	for k, t := range tools {
		results[k].name = t.name
	}
	for i := 0; i < *runs; i++ {
		for k, t := range tools {
			report := filepath.Join(out, fmt.Sprintf("%d-%d.json", k, i))
			cmd := t.cmd(report)
			cmd.Stderr = os.Stderr
			start := time.Now()
			err := cmd.Run()
			el := time.Since(start)
			if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 && strings.HasPrefix(t.name, "crank") {
				err = nil // 1 means findings
			}
			if err != nil {
				fatal(fmt.Errorf("%s: %w", t.name, err))
			}
			found, err := t.read(report)
			if err != nil {
				fatal(fmt.Errorf("%s report: %w", t.name, err))
			}
			sort.Strings(found)
			results[k].findings = found
			results[k].times = append(results[k].times, el)
		}
	}
	fmt.Printf("\n%-20s %10s %10s %12s %9s %9s\n", "tool", "median", "min", "MB/s", "findings", "vs gitleaks")
	size := treeSize(*tree)
	for _, r := range results {
		sort.Slice(r.times, func(i, j int) bool { return r.times[i] < r.times[j] })
		med := r.times[len(r.times)/2]
		ref := results[0].times[len(results[0].times)/2]
		fmt.Printf("%-20s %10s %10s %12.1f %9d %8.2fx\n", r.name, med.Round(time.Millisecond), r.times[0].Round(time.Millisecond), float64(size)/(1<<20)/med.Seconds(), len(r.findings), med.Seconds()/ref.Seconds())
	}
	for _, r := range results[1:] {
		if a, b := strings.Join(r.findings, "\n"), strings.Join(results[0].findings, "\n"); a != b {
			fmt.Printf("\nMISMATCH: %s found\n%s\ngitleaks found\n%s\n", r.name, a, b)
			os.Exit(1)
		}
	}
	fmt.Println("\nfindings identical: same rule, file, line and column for each (the time column is relative to gitleaks: below 1 is faster)")
}

func readCrank(p string) ([]string, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
			Path   string `json:"path"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var out []string
	for _, f := range doc.Findings {
		out = append(out, fmt.Sprintf("%s %s:%d:%d", f.RuleID, f.Path, f.Line, f.Column))
	}
	return out, nil
}

func readGitleaks(p string) ([]string, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var doc []struct {
		RuleID      string
		File        string
		StartLine   int
		StartColumn int
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var out []string
	for _, f := range doc {
		out = append(out, fmt.Sprintf("%s %s:%d:%d", f.RuleID, f.File, f.StartLine, f.StartColumn))
	}
	return out, nil
}

func treeSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// copyGoSources copies *.go files from the module cache, in a stable order,
// until limit bytes: a real-world tree with the odd test key in it.
func copyGoSources(dst string, limit int64) (int64, int, error) {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return 0, 0, err
	}
	src := strings.TrimSpace(string(out))
	var total int64
	files := 0
	stop := fmt.Errorf("enough")
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if d.Name() == "cache" && filepath.Dir(p) == src {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return err
		}
		total += int64(len(data))
		files++
		if total >= limit {
			return stop
		}
		return nil
	})
	if err == stop {
		err = nil
	}
	return total, files, err
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "secrets-bench:", err)
	os.Exit(2)
}
