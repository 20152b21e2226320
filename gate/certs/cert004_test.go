package certs

import (
	"crypto/x509"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/certs/certstest"
)

func parseCRL(t *testing.T, pemData []byte) *x509.RevocationList {
	t.Helper()
	blocks, err := decodePEM(pemData, "X509 CRL")
	if err != nil || len(blocks) != 1 {
		t.Fatalf("CRL PEM: %v", err)
	}
	l, err := x509.ParseRevocationList(blocks[0].der)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestCERT004(t *testing.T) {
	p := newPKI(t)
	good := p.leaf(t, certstest.Days(-1), certstest.Days(90))
	bad := p.leaf(t, certstest.Days(-1), certstest.Days(90))
	interCRL := CRL{Path: "inter.crl", List: parseCRL(t, certstest.CRL(t, p.inter, 7, certstest.Days(7), bad))}
	rootCRL := CRL{Path: "root.crl", List: parseCRL(t, certstest.CRL(t, p.root, 2, certstest.Days(30), p.inter))}
	cleanRootCRL := CRL{Path: "root.crl", List: parseCRL(t, certstest.CRL(t, p.root, 1, certstest.Days(30)))}
	cases := []struct {
		name    string
		in      *Input
		crls    []CRL
		mention string
	}{
		{"not revoked", chainInput("a.pem", good, p.inter), []CRL{interCRL}, ""},
		{"revoked leaf", chainInput("a.pem", bad, p.inter), []CRL{interCRL}, "reason keyCompromise, per the CRL inter.crl number 7"},
		{"revoked intermediate", chainInput("a.pem", good, p.inter), []CRL{interCRL, rootCRL}, "CN=Test Services CA (serial"},
		{"intermediate cleared", chainInput("a.pem", good, p.inter), []CRL{interCRL, cleanRootCRL}, ""},
	}
	for _, c := range cases {
		fs := evaluate(t, Options{CRLs: c.crls, Bundle: bundleOf(p.root)}, c.in)
		got := only(fs, "CERT004")
		if (c.mention == "") != (len(got) == 0) || len(got) > 1 || len(got) == 1 && !strings.Contains(got[0].Message, c.mention) {
			t.Errorf("%s: got\n%s", c.name, dump(fs))
		}
		if len(only(fs, "CERT005")) != 0 {
			t.Errorf("%s: revocation unknown:\n%s", c.name, dump(fs))
		}
	}
}
