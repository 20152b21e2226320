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
	"slices"
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
	ku := LeafKeyUsage(req.PublicKey, req.Usages)
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
	iss.Pointers.apply(tmpl)
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

// LeafKeyUsage is the key usage a service certificate gets. digitalSignature
// is what TLS 1.3 and (EC)DHE handshakes need, from either side.
// keyEncipherment only matters to a TLS 1.2 server doing RSA key transport,
// so only an RSA key with the server role gets it; on a client-only
// certificate it contradicts clientAuth (zlint
// e_key_usage_and_extended_key_usage_inconsistent, RFC 5246 7.4.6).
func LeafKeyUsage(pub crypto.PublicKey, usages []Usage) x509.KeyUsage {
	ku := x509.KeyUsageDigitalSignature
	if _, ok := pub.(*rsa.PublicKey); ok && slices.Contains(usages, UsageServer) {
		ku |= x509.KeyUsageKeyEncipherment
	}
	return ku
}

// DefaultLeafSubject is the subject a service certificate gets unless one is
// configured. The identity is the SPIFFE ID in the SAN, and Java's PKIX
// validator and GnuTLS check a common name against DNS name constraints
// when there is no DNS SAN, so a CN is only written when it is also a DNS
// SAN (and so already inside the constraints); otherwise the subject is
// empty and Go marks the SAN extension critical, as RFC 5280 4.2.1.6
// requires for an empty subject.
func DefaultLeafSubject(dnsNames []string) pkix.Name {
	if len(dnsNames) > 0 && len(dnsNames[0]) <= 64 {
		return pkix.Name{CommonName: dnsNames[0]}
	}
	return pkix.Name{}
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
