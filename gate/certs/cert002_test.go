package certs

import (
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/certs/certstest"
)

func TestCERT002(t *testing.T) {
	p := newPKI(t)
	oldRoot := certstest.CA(t, "Old Root", nil, certstest.Days(-400), certstest.Days(400))
	oldInter := certstest.CA(t, "Old CA", oldRoot, certstest.Days(-400), certstest.Days(-2))
	cases := []struct {
		name    string
		in      *Input
		mention []string
	}{
		{"valid", chainInput("a.pem", p.leaf(t, certstest.Days(-1), certstest.Days(90)), p.inter), nil},
		{"expired leaf", chainInput("a.pem", p.leaf(t, certstest.Days(-90), certstest.Days(-3)), p.inter), []string{"3 day(s) ago"}},
		{"expired intermediate", chainInput("a.pem", certstest.Leaf(t, "spiffe://x.org/a", oldInter, certstest.Days(-30), certstest.Days(30)), oldInter), []string{`"CN=Old CA" in the chain`}},
		{"expired root bundle", chainInput("roots.pem", certstest.CA(t, "Gone Root", nil, certstest.Days(-90), certstest.Days(-1))), []string{"CN=Gone Root expired"}},
	}
	for _, c := range cases {
		fs := only(evaluate(t, Options{}, c.in), "CERT002")
		if len(fs) != len(c.mention) {
			t.Errorf("%s: got\n%s", c.name, dump(fs))
			continue
		}
		for i, f := range fs {
			if !strings.Contains(f.Message, c.mention[i]) {
				t.Errorf("%s: %q lacks %q", c.name, f.Message, c.mention[i])
			}
		}
	}
}
