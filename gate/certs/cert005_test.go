package certs

import (
	"crypto/rand"
	"crypto/x509"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/certs/certstest"
)

func TestCERT005(t *testing.T) {
	p := newPKI(t)
	leaf := p.leaf(t, certstest.Days(-1), certstest.Days(90))
	fresh := CRL{Path: "inter.crl", List: parseCRL(t, certstest.CRL(t, p.inter, 3, certstest.Days(7)))}
	stale := CRL{Path: "stale.crl", List: parseCRL(t, certstest.CRL(t, p.inter, 2, certstest.Days(-1)))}
	otherCA := certstest.CA(t, "Other CA", p.root, certstest.Days(-1), certstest.Days(300))
	other := CRL{Path: "other.crl", List: parseCRL(t, certstest.CRL(t, otherCA, 1, certstest.Days(7)))}
	// A CRL that names the intermediate as its issuer, carries its key
	// identifier, and is signed by another key: a forgery.
	impostor := certstest.CA(t, "Test Services CA", p.root, certstest.Days(-1), certstest.Days(300))
	impostor.Cert.SubjectKeyId = p.inter.Cert.SubjectKeyId
	forgedDER, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(9), ThisUpdate: time.Now().Add(-time.Hour), NextUpdate: certstest.Days(7)}, impostor.Cert, impostor.Key)
	if err != nil {
		t.Fatal(err)
	}
	forgedList, err := x509.ParseRevocationList(forgedDER)
	if err != nil {
		t.Fatal(err)
	}
	forged := CRL{Path: "forged.crl", List: forgedList}
	cases := []struct {
		name    string
		in      *Input
		crls    []CRL
		mention string
	}{
		{"fresh CRL", chainInput("a.pem", leaf, p.inter), []CRL{fresh}, ""},
		{"stale CRL", chainInput("a.pem", leaf, p.inter), []CRL{stale}, "was due to be replaced"},
		{"fresh beats stale", chainInput("a.pem", leaf, p.inter), []CRL{stale, fresh}, ""},
		{"another CA's CRL", chainInput("a.pem", leaf, p.inter), []CRL{other}, "none of the 1 CRL(s)"},
		{"forged CRL", chainInput("a.pem", leaf, p.inter), []CRL{forged}, "signature does not verify"},
		{"issuer unavailable", chainInput("a.pem", leaf), []CRL{fresh}, "neither in the input nor in --bundle"},
		{"not asked", chainInput("a.pem", leaf), nil, ""},
		{"self-issued root", chainInput("roots.pem", p.root), []CRL{fresh}, ""},
	}
	for _, c := range cases {
		fs := only(evaluate(t, Options{CRLs: c.crls}, c.in), "CERT005")
		if (c.mention == "") != (len(fs) == 0) || len(fs) > 1 || len(fs) == 1 && !strings.Contains(fs[0].Message, c.mention) {
			t.Errorf("%s: got\n%s", c.name, dump(fs))
		}
	}
}
