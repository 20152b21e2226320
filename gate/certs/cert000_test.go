package certs

import (
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/certs/certstest"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

func TestCERT000(t *testing.T) {
	p := newPKI(t)
	leaf := p.leaf(t, certstest.Days(-1), certstest.Days(90))
	crl := CRL{Path: "inter.crl", List: parseCRL(t, certstest.CRL(t, p.inter, 4, certstest.Days(7)))}
	fs := evaluate(t, Options{Inventory: true, Bundle: bundleOf(p.root), CRLs: []CRL{crl}}, chainInput("svc.pem", leaf, p.inter))
	inv := only(fs, "CERT000")
	if len(inv) != 1 || len(fs) != 1 {
		t.Fatalf("want one inventory line and nothing else:\n%s", dump(fs))
	}
	msg := inv[0].Message
	for _, want := range []string{"spiffe://prod.example.org/billing", "issuer CN=Test Services CA", "serial " + pki.FormatSerial(leaf.Cert.SerialNumber),
		"not after " + day(leaf.Cert.NotAfter), "(89 day(s) left)", "chain: valid against the bundle", "revocation: not revoked (CRL inter.crl number 4"} {
		if !strings.Contains(msg, want) {
			t.Errorf("inventory lacks %q:\n%s", want, msg)
		}
	}
	if inv[0].Severity != findings.Info || inv[0].Line != 1 || inv[0].Path != "svc.pem" {
		t.Errorf("inventory finding = %+v", inv[0])
	}
	fs = evaluate(t, Options{Inventory: true}, chainInput("svc.pem", leaf, p.inter))
	if msg := only(fs, "CERT000")[0].Message; !strings.Contains(msg, "chain: not checked (no --bundle); revocation: not checked (no --crl)") {
		t.Errorf("unchecked parts not said: %s", msg)
	}
	if fs := evaluate(t, Options{Inventory: false}, chainInput("svc.pem", leaf, p.inter)); len(fs) != 0 {
		t.Errorf("--inventory=false still lists:\n%s", dump(fs))
	}
}
