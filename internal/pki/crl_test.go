package pki

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestParseSerial(t *testing.T) {
	cases := []struct {
		in, want string // want is FormatSerial of the result, "" for an error
	}{
		{"1A:2B:3C", "1A:2B:3C"},
		{"1a:2b:3c", "1A:2B:3C"},
		{"A:2B", "0A:2B"},
		{"1A2B3C", "1A:2B:3C"},
		{"0x1a2b3c", "1A:2B:3C"},
		{"A2B3C", "0A:2B:3C"},
		{"4096", "10:00"},
		{" 4096 ", "10:00"},
		{"0", ""},
		{"", ""},
		{"1A::2B", ""},
		{"1A:2B3:4C", ""},
		{"12G4", ""},
		{"0x", ""},
		{"-5", ""},
		{strings.Repeat("FF", 21), ""},
	}
	for _, c := range cases {
		n, err := ParseSerial(c.in)
		got := ""
		if err == nil {
			got = FormatSerial(n)
		}
		if got != c.want {
			t.Errorf("ParseSerial(%q) = %q (%v), want %q", c.in, got, err, c.want)
		}
		var pe *PolicyError
		if err != nil && (!errors.As(err, &pe) || pe.Attribute != "serial" || pe.Fix == "") {
			t.Errorf("ParseSerial(%q) error %v does not name the attribute and the fix", c.in, err)
		}
	}
}

func TestParseRevocationReason(t *testing.T) {
	for _, name := range RevocationReasons() {
		code, err := ParseRevocationReason(name)
		if err != nil || ReasonName(code) != name {
			t.Errorf("%s: code %d, err %v", name, code, err)
		}
	}
	if code, _ := ParseRevocationReason("keyCompromise"); code != 1 {
		t.Errorf("keyCompromise = %d, want 1", code)
	}
	for _, bad := range []string{"KeyCompromise", "compromised", "", "removeFromCRL"} {
		if _, err := ParseRevocationReason(bad); err == nil {
			t.Errorf("reason %q accepted", bad)
		}
	}
}

func testCRLIssuer(t *testing.T, usage x509.KeyUsage) *Issuer {
	t.Helper()
	key, err := GenerateKey(ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	ski, _ := KeyID(key.Public())
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "CRL test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		BasicConstraintsValid: true, IsCA: true, KeyUsage: usage, SubjectKeyId: ski,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &Issuer{Cert: cert, Key: key}
}

func TestCreateCRL(t *testing.T) {
	iss := testCRLIssuer(t, x509.KeyUsageCertSign|x509.KeyUsageCRLSign)
	now := time.Now().Truncate(time.Second)
	crl, der, err := CreateCRL(iss, CRLRequest{
		Number: big.NewInt(7), ThisUpdate: now, NextUpdate: now.Add(7 * 24 * time.Hour),
		Revoked: []Revocation{
			{Serial: big.NewInt(300), Reason: 1, RevokedAt: now.Add(-time.Hour)},
			{Serial: big.NewInt(20), Reason: 0, RevokedAt: now},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := crl.CheckSignatureFrom(iss.Cert); err != nil {
		t.Fatalf("CRL signature: %v", err)
	}
	if crl.Number.Int64() != 7 || !bytes.Equal(crl.AuthorityKeyId, iss.Cert.SubjectKeyId) || !crl.NextUpdate.Equal(now.Add(7*24*time.Hour)) {
		t.Fatalf("number %v, AKI %X, next update %v", crl.Number, crl.AuthorityKeyId, crl.NextUpdate)
	}
	if got := crl.RevokedCertificateEntries; len(got) != 2 || got[0].SerialNumber.Int64() != 20 || got[1].SerialNumber.Int64() != 300 || got[1].ReasonCode != 1 || got[0].ReasonCode != 0 {
		t.Fatalf("entries %+v, want serial order with reasons", got)
	}
	if !strings.HasPrefix(EncodeCRLPEM(der), "-----BEGIN X509 CRL-----") {
		t.Fatal("PEM type")
	}

	if _, _, err := CreateCRL(iss, CRLRequest{Number: big.NewInt(1), ThisUpdate: now, NextUpdate: now.Add(time.Hour),
		Revoked: []Revocation{{Serial: big.NewInt(5), RevokedAt: now}, {Serial: big.NewInt(5), RevokedAt: now}}}); err == nil {
		t.Fatal("duplicate serial accepted")
	}
	noCRLSign := testCRLIssuer(t, x509.KeyUsageCertSign)
	if _, _, err := CreateCRL(noCRLSign, CRLRequest{Number: big.NewInt(1), ThisUpdate: now, NextUpdate: now.Add(time.Hour)}); !errors.Is(err, ErrNoCRLSign) {
		t.Fatalf("issuer without cRLSign: %v", err)
	}
}

func TestCheckIssuedByAndSupersedes(t *testing.T) {
	iss := testCRLIssuer(t, x509.KeyUsageCertSign|x509.KeyUsageCRLSign)
	other := testCRLIssuer(t, x509.KeyUsageCertSign|x509.KeyUsageCRLSign)
	issue := func(by *Issuer, svc string) *x509.Certificate {
		key, _ := GenerateKey(ECDSAP256)
		u, _ := url.Parse("spiffe://example.org/" + svc)
		c, err := IssueLeaf(by, LeafRequest{Subject: pkix.Name{CommonName: svc}, PublicKey: key.Public(), URIs: []*url.URL{u}, Usages: []Usage{UsageServer}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	mine, foreign := issue(iss, "billing"), issue(other, "billing")
	if err := CheckIssuedBy(mine, iss.Cert); err != nil {
		t.Fatal(err)
	}
	err := CheckIssuedBy(foreign, iss.Cert)
	if err == nil || !strings.Contains(err.Error(), "revoked serial of another issuer") {
		t.Fatalf("foreign certificate: %v", err)
	}
	renewed := issue(iss, "billing")
	if !Supersedes(renewed, mine) || Supersedes(mine, mine) || Supersedes(issue(iss, "ledger"), mine) {
		t.Fatal("Supersedes must match a new certificate of the same identity only")
	}
}
