package lint

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/buildkitlint"
	"github.com/crank-platform/terraform-provider-crank/gate/rules"
)

// docExample is one "❌ Bad" or "✅ Good" Dockerfile of a BuildKit rule page.
type docExample struct {
	bad bool
	src string
}

var docExampleRe = regexp.MustCompile("(?s)(❌|✅)[^❌✅]*?\n\n```dockerfile\n(.*?)```")

// buildkitDocExamples reads the examples of BuildKit's own rule page
// (frontend/dockerfile/docs/rules/<slug>.md in the module crank-gate
// builds with, so they always match the checks' version).
func buildkitDocExamples(t *testing.T, dir, slug string) []docExample {
	t.Helper()
	page, err := os.ReadFile(filepath.Join(dir, "frontend", "dockerfile", "docs", "rules", slug+".md"))
	if err != nil {
		t.Fatalf("BuildKit's page for %s: %v", slug, err)
	}
	_, examples, _ := strings.Cut(string(page), "## Examples")
	var out []docExample
	for _, m := range docExampleRe.FindAllStringSubmatch(examples, -1) {
		src := m[2]
		if !regexp.MustCompile(`(?im)^FROM `).MatchString(src) {
			// Some snippets show only the instruction in question.
			src = "FROM alpine\n" + src
		}
		out = append(out, docExample{bad: m[1] == "❌", src: src})
	}
	return out
}

// TestBuildKitDocumentedExamples lints every example of BuildKit's own
// rule documentation with crank-gate, the check selected alone, and with
// BuildKit's linter directly: crank-gate must report the check exactly
// where BuildKit does, except where a Dockerfile linter cannot know what
// BuildKit knows (documented on the rule and in buildkitlint). Where
// BuildKit's code and its page disagree (the page's Bad example passes),
// BuildKit's code is what docker build --check runs, so it decides.
func TestBuildKitDocumentedExamples(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/moby/buildkit").Output()
	if err != nil {
		t.Fatalf("finding BuildKit's module (its docs hold the examples): %v", err)
	}
	dir := strings.TrimSpace(string(out))
	// Bad examples crank-gate cannot judge offline, with why.
	unknowable := map[string]string{
		// Needs the build context's .dockerignore.
		"CopyIgnoredFile": "no build context",
		// Judged only in stages built from scratch: a base image's own
		// ENV (which the gate never downloads) may define the variable.
		"UndefinedVar": "base image environment unknown",
	}
	agree, pageDisagrees := 0, 0
	for _, r := range rules.BuildKitRules() {
		slug := strings.TrimPrefix(r.Name, "buildkit-")
		t.Run(r.ID, func(t *testing.T) {
			examples := buildkitDocExamples(t, dir, slug)
			if len(examples) == 0 {
				t.Fatalf("no examples found on BuildKit's page %s.md", slug)
			}
			fired := 0
			for _, ex := range examples {
				src := ex.src
				if r.ID == "InvalidDefinitionDescription" {
					// Experimental: BuildKit runs it only when asked.
					src = "# check=experimental=" + r.ID + "\n\n" + src
				}
				bk := false
				for _, w := range buildkitlint.Lint(context.Background(), []byte(src), buildkitlint.Options{}).Warnings {
					bk = bk || w.Rule == r.ID
				}
				if bk != ex.bad {
					pageDisagrees++
					t.Logf("BuildKit itself reports=%v on its page's %s example:\n%s", bk, label(ex.bad), src)
				}
				got := slices.Contains(ruleIDs(lintSrc(t, src, Options{Only: []string{r.ID}})), r.ID)
				if reason, ok := unknowable[r.ID]; ok && bk && !got {
					t.Logf("not reported (%s):\n%s", reason, src)
					continue
				}
				if got != bk {
					t.Errorf("page's %s example: crank-gate reported=%v, BuildKit %v:\n%s", label(ex.bad), got, bk, src)
				}
				if got {
					fired++
				}
				agree++
			}
			if _, ok := unknowable[r.ID]; !ok && fired == 0 {
				t.Errorf("%s fired on none of its page's examples", r.ID)
			}
		})
	}
	t.Logf("%d documented examples: crank-gate reports what BuildKit reports; %d where BuildKit's code and page disagree", agree, pageDisagrees)
}

func label(bad bool) string {
	if bad {
		return "Bad"
	}
	return "Good"
}
