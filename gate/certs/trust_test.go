package certs

import (
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/certs/certstest"
)

func TestLoadCRLsAndBundle(t *testing.T) {
	p := newPKI(t)
	dir := t.TempDir()
	one := certstest.CRL(t, p.inter, 1, certstest.Days(7))
	two := certstest.CRL(t, p.root, 2, certstest.Days(7))
	der := parseCRL(t, one).Raw
	crls, err := LoadCRLs([]string{certstest.Write(t, dir, "both.pem", append(append([]byte{}, one...), two...)), certstest.Write(t, dir, "one.der", der)})
	if err != nil || len(crls) != 3 || crls[2].Path != dir+"/one.der" {
		t.Fatalf("got %d CRLs, %v", len(crls), err)
	}
	for name, data := range map[string][]byte{"junk.crl": []byte("junk"), "cert.crl": certstest.PEM(p.root)} {
		if _, err := LoadCRLs([]string{certstest.Write(t, dir, name, data)}); err == nil || !strings.Contains(err.Error(), "--crl") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := LoadBundle([]string{certstest.Write(t, dir, "leaf.pem", certstest.PEM(p.leaf(t, certstest.Days(-1), certstest.Days(9))))}); err == nil || !strings.Contains(err.Error(), "not a CA certificate") {
		t.Errorf("leaf in bundle: %v", err)
	}
	if b, err := LoadBundle([]string{certstest.Write(t, dir, "cas.pem", certstest.PEM(p.root, p.inter, p.root))}); err != nil || len(b) != 2 {
		t.Errorf("bundle: %d, %v", len(b), err)
	}
}
