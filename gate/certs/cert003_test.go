package certs

import (
	"crypto/x509"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/certs/certstest"
)

func bundleOf(cs ...*certstest.Cert) []*x509.Certificate {
	out := []*x509.Certificate{}
	for _, c := range cs {
		out = append(out, c.Cert)
	}
	return out
}

func TestCERT003(t *testing.T) {
	p := newPKI(t)
	other := certstest.CA(t, "Other Root", nil, certstest.Days(-10), certstest.Days(3650))
	good := p.leaf(t, certstest.Days(-1), certstest.Days(90))
	expired := p.leaf(t, certstest.Days(-90), certstest.Days(-1))
	cases := []struct {
		name    string
		in      *Input
		bundle  []*x509.Certificate
		mention string
	}{
		{"valid", chainInput("a.pem", good, p.inter), bundleOf(p.root), ""},
		{"wrong bundle", chainInput("a.pem", good, p.inter), bundleOf(other), "no path to any CA in --bundle"},
		{"missing intermediate", chainInput("a.pem", good), bundleOf(p.root), "an intermediate is missing"},
		{"intermediate as anchor", chainInput("a.pem", good), bundleOf(p.inter), ""},
		{"not checked without bundle", chainInput("a.pem", good), nil, ""},
		// Expiry alone is CERT002's: the path is sound.
		{"expired leaf, sound chain", chainInput("a.pem", expired, p.inter), bundleOf(p.root), ""},
		{"expired leaf, wrong bundle", chainInput("a.pem", expired, p.inter), bundleOf(other), "no path"},
		{"bundle checks itself", chainInput("roots.pem", p.root), bundleOf(p.root), ""},
	}
	for _, c := range cases {
		fs := only(evaluate(t, Options{Bundle: c.bundle}, c.in), "CERT003")
		if (c.mention == "") != (len(fs) == 0) || len(fs) > 1 || len(fs) == 1 && !strings.Contains(fs[0].Message, c.mention) {
			t.Errorf("%s: got\n%s", c.name, dump(fs))
		}
	}
}
