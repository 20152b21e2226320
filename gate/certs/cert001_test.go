package certs

import (
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/certs/certstest"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

func TestCERT001(t *testing.T) {
	p := newPKI(t)
	soonRoot := certstest.CA(t, "Short Root", nil, certstest.Days(-300), certstest.Days(10))
	shortInter := certstest.CA(t, "Short CA", soonRoot, certstest.Days(-300), certstest.Days(9))
	shortLeaf := certstest.Leaf(t, "spiffe://prod.example.org/a", shortInter, certstest.Days(-1), certstest.Days(200))
	cases := []struct {
		name       string
		in         *Input
		warn, fail int
		want       []findings.Severity
		mention    string
	}{
		{"healthy", chainInput("a.pem", p.leaf(t, certstest.Days(-1), certstest.Days(90)), p.inter), 30, 7, nil, ""},
		{"below warn-days", chainInput("a.pem", p.leaf(t, certstest.Days(-1), certstest.Days(20)), p.inter), 30, 7, []findings.Severity{findings.Warning}, "below --warn-days"},
		{"below fail-days", chainInput("a.pem", p.leaf(t, certstest.Days(-80), certstest.Days(3)), p.inter), 30, 7, []findings.Severity{findings.Error}, "below --fail-days"},
		{"custom thresholds", chainInput("a.pem", p.leaf(t, certstest.Days(-1), certstest.Days(50)), p.inter), 60, 55, []findings.Severity{findings.Error}, "in 49 day(s)"},
		{"zero thresholds", chainInput("a.pem", p.leaf(t, certstest.Days(-1), certstest.Days(1)), p.inter), 0, 0, nil, ""},
		// The leaf has 200 days, but the CA above it has 9: the chain
		// breaks first, and the finding says which certificate.
		{"chain expires first", chainInput("a.pem", shortLeaf, shortInter), 30, 7, []findings.Severity{findings.Warning}, `"CN=Short CA" in the chain`},
		{"expired is not expiring", chainInput("a.pem", p.leaf(t, certstest.Days(-90), certstest.Days(-1)), p.inter), 30, 7, nil, ""},
	}
	for _, c := range cases {
		fs := only(Evaluate([]*Input{c.in}, Options{Now: time.Now(), WarnDays: c.warn, FailDays: c.fail}), "CERT001")
		if len(fs) != len(c.want) {
			t.Errorf("%s: got\n%s", c.name, dump(fs))
			continue
		}
		for i, f := range fs {
			if f.Severity != c.want[i] || !strings.Contains(f.Message, c.mention) {
				t.Errorf("%s: %s %s, want %s mentioning %q", c.name, f.Severity, f.Message, c.want[i], c.mention)
			}
		}
	}
	// With the bundle the verified path ends at the short root: both CAs
	// are below the thresholds; the leaf itself is not.
	fs := only(evaluate(t, Options{Bundle: bundleOf(soonRoot)}, chainInput("a.pem", shortLeaf, shortInter)), "CERT001")
	if len(fs) != 2 || !strings.Contains(dump(fs), "Short Root") {
		t.Errorf("verified chain: %s", dump(fs))
	}
}
