package secrets

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"
	glregexp "github.com/zricethezav/gitleaks/v8/regexp"
)

func viperConfig(t *testing.T, toml string) config.ViperConfig {
	t.Helper()
	configMu.Lock()
	defer configMu.Unlock()
	viper.Reset()
	viper.SetConfigType("toml")
	if err := viper.ReadConfig(strings.NewReader(toml)); err != nil {
		t.Fatal(err)
	}
	var vc config.ViperConfig
	if err := viper.Unmarshal(&vc); err != nil {
		t.Fatal(err)
	}
	return vc
}

// render is everything of a translated config, in a stable order.
func render(c config.Config) string {
	re := func(r *glregexp.Regexp) string {
		if r == nil {
			return "<nil>"
		}
		return r.String()
	}
	al := func(as []*config.Allowlist) string {
		var b strings.Builder
		for _, a := range as {
			var paths, regexes []string
			for _, p := range a.Paths {
				paths = append(paths, re(p))
			}
			for _, r := range a.Regexes {
				regexes = append(regexes, re(r))
			}
			words := slices.Sorted(slices.Values(a.StopWords))
			commits := slices.Sorted(slices.Values(a.Commits))
			fmt.Fprintf(&b, "[%q %v %v %q %q %q %v] ", a.Description, a.MatchCondition, commits, paths, a.RegexTarget, regexes, words)
		}
		return b.String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%q %q %+v %q %q\n%v\n%s\n", c.Title, c.Description, c.Extend, c.Path, c.MinVersion, c.OrderedRules, al(c.Allowlists))
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range c.Keywords {
			if !yield(k) {
				return
			}
		}
	}) {
		b.WriteString(k + " ")
	}
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for id := range c.Rules {
			if !yield(id) {
				return
			}
		}
	}) {
		r := c.Rules[id]
		var req []string
		for _, q := range r.RequiredRules {
			req = append(req, fmt.Sprintf("%s/%v/%v", q.RuleID, q.WithinLines, q.WithinColumns))
		}
		fmt.Fprintf(&b, "\n%s %q %s %s %d %v %v %v %v %v %s", r.RuleID, r.Description, re(r.Regex), re(r.Path), r.SecretGroup, r.Entropy, r.Keywords, r.Tags, r.SkipReport, req, al(r.Allowlists))
	}
	return b.String()
}

// translate must give exactly what gitleaks' Translate gives: for the
// default rules (split over the cores) and for configs it must not split.
func TestTranslateEqualsGitleaks(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	required := config.DefaultConfig + `
[[rules]]
id = "zz-part"
regex = '''zz[0-9]{8}'''
keywords = ["zz"]
[[rules.required]]
id = "generic-api-key"
`
	for name, toml := range map[string]string{"default": config.DefaultConfig, "required": required} {
		if !splittable(viperConfig(t, toml)) != (name == "required") {
			t.Errorf("%s: splittable is wrong", name)
		}
		vc := viperConfig(t, toml)
		want, err := vc.Translate()
		if err != nil {
			t.Fatal(err)
		}
		got, err := translate(viperConfig(t, toml))
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Rules) < 200 {
			t.Fatalf("%s: only %d rules", name, len(got.Rules))
		}
		if w, g := render(want), render(got); w != g {
			t.Errorf("%s: translate differs from gitleaks' Translate", name)
			wl, gl := strings.Split(w, "\n"), strings.Split(g, "\n")
			for i := range min(len(wl), len(gl)) {
				if wl[i] != gl[i] {
					t.Fatalf("first difference:\n%s\n%s", clip(wl[i]), clip(gl[i]))
				}
			}
		}
	}
	// A broken rule: gitleaks' own error.
	bad := config.DefaultConfig + "\n[[rules]]\nid = \"bad\"\nregex = '''a'''\n[[rules.allowlists]]\ncondition = \"XOR\"\nregexes = ['''b''']\n"
	vc := viperConfig(t, bad)
	_, werr := vc.Translate()
	_, gerr := translate(viperConfig(t, bad))
	if werr == nil || gerr == nil || werr.Error() != gerr.Error() {
		t.Errorf("errors differ: %v / %v", werr, gerr)
	}
}
