package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"
)

// Usage is one of the roles a service certificate may play in a TLS handshake.
type Usage string

const (
	UsageServer Usage = "server"
	UsageClient Usage = "client"
)

// Usages lists the accepted usage names.
func Usages() []string { return []string{string(UsageServer), string(UsageClient)} }

// LeafRequest describes a service certificate to issue.
type LeafRequest struct {
	Subject     pkix.Name
	PublicKey   crypto.PublicKey
	URIs        []*url.URL
	DNSNames    []string
	IPAddresses []net.IP
	Usages      []Usage
	NotBefore   time.Time
	NotAfter    time.Time
}

// IssueLeaf checks the request against the issuance policy and signs it.
// It never signs something the policy refuses: fail secure.
func IssueLeaf(iss *Issuer, req LeafRequest) (*x509.Certificate, error) {
	if err := iss.Check(); err != nil {
		return nil, err
	}
	if err := CheckLeaf(iss, req); err != nil {
		return nil, err
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, err
	}
	ski, err := KeyID(req.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("computing subject key identifier: %w", err)
	}
	// digitalSignature is what TLS 1.3 and ECDHE need; keyEncipherment only
	// matters for RSA key transport in TLS 1.2, so only RSA keys get it.
	ku := x509.KeyUsageDigitalSignature
	if _, ok := req.PublicKey.(*rsa.PublicKey); ok {
		ku |= x509.KeyUsageKeyEncipherment
	}
	var ekus []x509.ExtKeyUsage
	for _, u := range req.Usages {
		switch u {
		case UsageServer:
			ekus = append(ekus, x509.ExtKeyUsageServerAuth)
		case UsageClient:
			ekus = append(ekus, x509.ExtKeyUsageClientAuth)
		}
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               req.Subject,
		NotBefore:             req.NotBefore.UTC(),
		NotAfter:              req.NotAfter.UTC(),
		KeyUsage:              ku,
		ExtKeyUsage:           ekus,
		BasicConstraintsValid: true,
		IsCA:                  false,
		SubjectKeyId:          ski,
		URIs:                  req.URIs,
		DNSNames:              req.DNSNames,
		IPAddresses:           req.IPAddresses,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, iss.Cert, req.PublicKey, iss.Key)
	if err != nil {
		return nil, fmt.Errorf("signing certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	// Defence in depth: the policy check above is ours; the standard library's
	// path validation (name constraints, path length, validity) must agree.
	if err := verifyIssued(cert, iss); err != nil {
		return nil, fmt.Errorf("issued certificate does not verify against its own issuer, refusing to hand it out: %w", err)
	}
	return cert, nil
}

func verifyIssued(cert *x509.Certificate, iss *Issuer) error {
	roots := x509.NewCertPool()
	roots.AddCert(iss.Root())
	inter := x509.NewCertPool()
	for _, c := range iss.Intermediates() {
		inter.AddCert(c)
	}
	_, err := cert.Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		CurrentTime:   cert.NotBefore,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	return err
}

// ErrEmptyUsages is returned when a certificate would have no TLS role.
var ErrEmptyUsages = errors.New("usages is empty")
