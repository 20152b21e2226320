package pki

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
)

// Issuer is a signing CA as the local backend sees it: its certificate, its
// key, and the certificates above it up to and including the root.
type Issuer struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	// Parents holds the CA certificates above Cert, nearest first; the last
	// one is the self-signed root. Empty when Cert is itself the root.
	Parents []*x509.Certificate
	// Pointers are the revocation and AIA URLs this CA writes into every
	// certificate it signs; its own certificate carries its parent's.
	Pointers Pointers
}

// Pointers are the URLs a relying party follows from a certificate to its
// issuer's revocation status and certificate. RFC 5280 4.2.1.13 and 4.2.2.1
// put them in the certificate being checked, so a CA's pointers belong in
// what it signs, not in its own certificate.
type Pointers struct {
	CRLDistributionPoints  []string
	OCSPServers            []string
	IssuingCertificateURLs []string
}

// apply writes the pointers into a certificate template.
func (p Pointers) apply(tmpl *x509.Certificate) {
	tmpl.CRLDistributionPoints = p.CRLDistributionPoints
	tmpl.OCSPServer = p.OCSPServers
	tmpl.IssuingCertificateURL = p.IssuingCertificateURLs
}

// PointersOf reads the pointers a certificate carries.
func PointersOf(c *x509.Certificate) Pointers {
	return Pointers{CRLDistributionPoints: c.CRLDistributionPoints, OCSPServers: c.OCSPServer, IssuingCertificateURLs: c.IssuingCertificateURL}
}

// Root returns the self-signed trust anchor of the hierarchy.
func (i *Issuer) Root() *x509.Certificate {
	if len(i.Parents) == 0 {
		return i.Cert
	}
	return i.Parents[len(i.Parents)-1]
}

// Chain returns Cert followed by its parents (root last).
func (i *Issuer) Chain() []*x509.Certificate {
	return append([]*x509.Certificate{i.Cert}, i.Parents...)
}

// Intermediates returns the CA certificates a leaf of this issuer must send
// besides itself: every certificate of the chain except the root.
func (i *Issuer) Intermediates() []*x509.Certificate {
	chain := i.Chain()
	return chain[:len(chain)-1]
}

// ErrNotACA and friends let callers map failures to precise diagnostics.
var (
	ErrNotACA        = errors.New("issuer certificate is not a CA (basicConstraints CA:FALSE), so it cannot sign certificates")
	ErrNoCertSign    = errors.New("issuer certificate lacks the keyCertSign key usage, so it cannot sign certificates")
	ErrKeyMismatch   = errors.New("issuer private key does not match the issuer certificate")
	ErrBrokenParents = errors.New("issuer chain is broken")
)

// Check verifies the issuer can sign: a CA with certSign, whose key matches
// its certificate, and whose parents really signed it.
func (i *Issuer) Check() error {
	if i.Cert == nil {
		return errors.New("issuer has no certificate")
	}
	if !i.Cert.IsCA || !i.Cert.BasicConstraintsValid {
		return ErrNotACA
	}
	if i.Cert.KeyUsage&x509.KeyUsageCertSign == 0 {
		return ErrNoCertSign
	}
	if i.Key == nil {
		return errors.New("issuer has no private key")
	}
	if !PublicKeysEqual(i.Key.Public(), i.Cert.PublicKey) {
		return ErrKeyMismatch
	}
	child := i.Cert
	for n, p := range i.Parents {
		if err := child.CheckSignatureFrom(p); err != nil {
			return fmt.Errorf("%w: certificate %d (%s) is not signed by %s: %v", ErrBrokenParents, n, child.Subject, p.Subject, err)
		}
		child = p
	}
	if err := child.CheckSignatureFrom(child); err != nil {
		return fmt.Errorf("%w: the last certificate (%s) is not a self-signed root", ErrBrokenParents, child.Subject)
	}
	return nil
}
