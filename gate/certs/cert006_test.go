package certs

import (
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/certs/certstest"
)

func TestCERT006(t *testing.T) {
	p := newPKI(t)
	future := p.leaf(t, certstest.Days(2), certstest.Days(90))
	fs := evaluate(t, Options{Bundle: bundleOf(p.root)}, chainInput("a.pem", future, p.inter))
	got := only(fs, "CERT006")
	if len(got) != 1 || !strings.Contains(got[0].Message, "not valid before") || len(only(fs, "CERT003")) != 0 {
		t.Errorf("future leaf:\n%s", dump(fs))
	}
	if fs := only(evaluate(t, Options{}, chainInput("a.pem", p.leaf(t, certstest.Days(-1), certstest.Days(90)), p.inter)), "CERT006"); len(fs) != 0 {
		t.Errorf("valid leaf:\n%s", dump(fs))
	}
}
