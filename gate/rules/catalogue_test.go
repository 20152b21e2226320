package rules

import (
	"regexp"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

var (
	idRe   = regexp.MustCompile(`^(DL|CG)\d{4}$`)
	nameRe = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	// bkNameRe is BuildKit's rule naming (linter/ruleset.go).
	bkNameRe = regexp.MustCompile(`^[A-Z][A-Za-z]+$`)
)

// TestCatalogue guards the invariants every rule must keep: the docs,
// SARIF and hadolint compatibility all depend on them.
func TestCatalogue(t *testing.T) {
	ids := map[string]bool{}
	names := map[string]string{}
	prev := ""
	for _, r := range All() {
		if !idRe.MatchString(r.ID) && !(IsBuildKitRule(r) && bkNameRe.MatchString(r.ID)) {
			t.Errorf("%q: id must be DL or CG followed by four digits, or a BuildKit check's own name", r.ID)
		}
		if ids[r.ID] {
			t.Errorf("%s: duplicate id", r.ID)
		}
		ids[r.ID] = true
		if prev != "" && sortKey(r.ID) < sortKey(prev) {
			t.Errorf("%s: All() must stay sorted (CG before DL, then by number); it comes after %s", r.ID, prev)
		}
		prev = r.ID
		if !nameRe.MatchString(r.Name) {
			t.Errorf("%s: Name %q must be kebab-case", r.ID, r.Name)
		}
		if other, dup := names[r.Name]; dup {
			t.Errorf("%s: Name %q already used by %s", r.ID, r.Name, other)
		}
		names[r.Name] = r.ID
		if r.Summary == "" || strings.Contains(r.Summary, "\n") || len(r.Summary) > 100 || !strings.HasSuffix(r.Summary, ".") {
			t.Errorf("%s: Summary must be one sentence of at most 100 characters ending with a period", r.ID)
		}
		if len(r.Why) < 40 {
			t.Errorf("%s: Why must explain the risk and the fix", r.ID)
		}
		if r.Severity < Style || r.Severity > Error {
			t.Errorf("%s: invalid severity %v", r.ID, r.Severity)
		}
		if strings.HasPrefix(r.ID, "DL") && (len(r.Equivalents.Hadolint) != 1 || r.Equivalents.Hadolint[0] != r.ID) {
			t.Errorf("%s: a DL rule must list itself as its hadolint equivalent", r.ID)
		}
		// A team migrating from hadolint reads the page to learn what
		// changes for them: each DL page says what hadolint does and how
		// crank differs, or that it does not (the "Differences from other
		// tools" section is rendered from Differences).
		if strings.HasPrefix(r.ID, "DL") && !strings.Contains(r.Differences, "hadolint") {
			t.Errorf("%s: Differences must say what hadolint does and where crank differs (and what compat: hadolint changes)", r.ID)
		}
		if strings.HasPrefix(r.ID, "DL") && !strings.Contains(Markdown(r), "## Differences from other tools\n\n") {
			t.Errorf("%s: the doc page lacks its Differences section", r.ID)
		}
		if r.Builtin {
			if r.Check != nil {
				t.Errorf("%s: builtin rules are reported by the engine and must not have a Check", r.ID)
			}
			continue
		}
		if r.Check == nil {
			t.Errorf("%s: missing Check", r.ID)
			continue
		}
		if r.Bad == "" || r.Good == "" {
			t.Errorf("%s: Bad and Good examples are required for the doc page", r.ID)
			continue
		}
		if n := fires(t, r, r.Bad); n == 0 {
			t.Errorf("%s: the Bad example does not fire", r.ID)
		}
		if n := fires(t, r, r.Good); n != 0 {
			t.Errorf("%s: the Good example fires %d times", r.ID, n)
		}
	}
}

func fires(t *testing.T, r Rule, src string) int {
	t.Helper()
	f, err := dockerfile.Parse([]byte(src), dockerfile.Options{Path: "Dockerfile"})
	if err != nil {
		t.Fatalf("%s: example does not parse: %v", r.ID, err)
	}
	return len(Run(f, []Rule{r}, nil))
}
