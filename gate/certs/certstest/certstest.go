// Package certstest makes small PKIs for the certs tests: CAs, leaves with
// SPIFFE IDs and arbitrary validity, CRLs signed with internal/pki, and
// files in the layouts real tools write.
package certstest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// Cert is a certificate with its key.
type Cert struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

var serial atomic.Int64

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sign(t testing.TB, tmpl *x509.Certificate, parent *Cert, key *ecdsa.PrivateKey) *Cert {
	t.Helper()
	tmpl.SerialNumber = big.NewInt(1000 + serial.Add(1))
	skid, err := pki.KeyID(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SubjectKeyId = skid
	issuer, signer := tmpl, crypto.Signer(key)
	if parent != nil {
		issuer, signer = parent.Cert, parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &Cert{Cert: c, Key: key}
}

// CA makes a CA certificate valid from nb to na; parent nil makes a root.
func CA(t testing.TB, name string, parent *Cert, nb, na time.Time) *Cert {
	t.Helper()
	return sign(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             nb,
		NotAfter:              na,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, parent, newKey(t))
}

// Leaf makes a service certificate for a SPIFFE ID (and 127.0.0.1, so it
// can serve on loopback), valid from nb to na.
func Leaf(t testing.TB, spiffeID string, parent *Cert, nb, na time.Time) *Cert {
	t.Helper()
	u, err := url.Parse(spiffeID)
	if err != nil {
		t.Fatal(err)
	}
	return sign(t, &x509.Certificate{
		NotBefore:   nb,
		NotAfter:    na,
		URIs:        []*url.URL{u},
		DNSNames:    []string{"localhost"},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}, parent, newKey(t))
}

// CRL signs a CRL of ca revoking the given certificates, valid until next.
func CRL(t testing.TB, ca *Cert, number int64, next time.Time, revoked ...*Cert) []byte {
	t.Helper()
	req := pki.CRLRequest{Number: big.NewInt(number), ThisUpdate: time.Now().Add(-time.Hour), NextUpdate: next}
	if !next.After(req.ThisUpdate) {
		req.ThisUpdate = next.Add(-24 * time.Hour)
	}
	for _, r := range revoked {
		req.Revoked = append(req.Revoked, pki.Revocation{Serial: r.Cert.SerialNumber, Reason: 1, RevokedAt: time.Now().Add(-time.Minute)})
	}
	_, der, err := pki.CreateCRL(&pki.Issuer{Cert: ca.Cert, Key: ca.Key}, req)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(pki.EncodeCRLPEM(der))
}

// KeyPEM is the PKCS#8 PEM of c's key.
func (c *Cert) KeyPEM(t testing.TB) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// PEM concatenates certificates as PEM.
func PEM(cs ...*Cert) []byte {
	var out []byte
	for _, c := range cs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})...)
	}
	return out
}

// Write writes data to dir/name and returns the path.
func Write(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Days is now plus n days.
func Days(n int) time.Time { return time.Now().Add(time.Duration(n) * 24 * time.Hour) }
