// Command gendocs renders the rule reference from the rule catalogue:
// one page per rule plus an index. Run: go run ./gate/cmd/gendocs -out DIR.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/crank-platform/terraform-provider-crank/gate/rules"
)

func main() {
	out := flag.String("out", "gate/docs/rules", "directory for <ID>.md pages and README.md")
	flag.Parse()
	if err := generate(*out); err != nil {
		fmt.Fprintf(os.Stderr, "gendocs: %v\n", err)
		os.Exit(1)
	}
}

func generate(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	all := rules.All()
	// Remove pages of rules that no longer exist so the reference cannot
	// document a check crank-gate does not run.
	old, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	keep := map[string]bool{filepath.Join(dir, "README.md"): true}
	for _, r := range all {
		keep[filepath.Join(dir, r.ID+".md")] = true
	}
	for _, p := range old {
		if !keep[p] {
			if err := os.Remove(p); err != nil {
				return err
			}
		}
	}
	for _, r := range all {
		if err := os.WriteFile(filepath.Join(dir, r.ID+".md"), []byte(rules.Markdown(r)), 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "README.md"), []byte(rules.IndexMarkdown(all)), 0o644)
}
