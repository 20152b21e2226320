package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// NameConstraints restricts the names any certificate below a CA may carry.
type NameConstraints struct {
	Critical           bool
	PermittedDNS       []string
	ExcludedDNS        []string
	PermittedURIDomain []string
	ExcludedURIDomain  []string
	PermittedIPRanges  []*net.IPNet
	ExcludedIPRanges   []*net.IPNet
}

// Empty reports whether no constraint is set.
func (n NameConstraints) Empty() bool {
	return len(n.PermittedDNS)+len(n.ExcludedDNS)+len(n.PermittedURIDomain)+len(n.ExcludedURIDomain)+len(n.PermittedIPRanges)+len(n.ExcludedIPRanges) == 0
}

// CARequest describes a root or intermediate CA to create.
type CARequest struct {
	Subject   pkix.Name
	Key       crypto.Signer
	NotBefore time.Time
	NotAfter  time.Time
	// MaxPathLength < 0 means unlimited; 0 means it may only sign leaves.
	MaxPathLength   int
	NameConstraints NameConstraints
	// Pointers go into the certificates this CA will sign; the CA's own
	// certificate gets its parent's (a root's gets none: nobody checks a
	// trust anchor's revocation).
	Pointers Pointers
}

// serialNumber is 159 random bits: positive, at most 20 octets (RFC 5280 §4.1.2.2)
// and with more entropy than the CA/B Forum's 64-bit minimum.
func serialNumber() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 159))
}

// CreateCA signs a CA certificate. With parent nil it is a self-signed root;
// otherwise parent signs it as an intermediate.
func CreateCA(req CARequest, parent *Issuer) (*Issuer, error) {
	if req.Key == nil {
		return nil, errors.New("CA request has no key")
	}
	if !req.NotAfter.After(req.NotBefore) {
		return nil, fmt.Errorf("CA validity is empty: not_after %s is not after not_before %s", req.NotAfter.Format(time.RFC3339), req.NotBefore.Format(time.RFC3339))
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, err
	}
	ski, err := KeyID(req.Key.Public())
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      req.Subject,
		NotBefore:    req.NotBefore.UTC(),
		NotAfter:     req.NotAfter.UTC(),
		// A CA signs certificates and CRLs, nothing else (RFC 5280 4.2.1.3);
		// OCSP responses come from a delegated responder certificate.
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		SubjectKeyId:          ski,
	}
	switch {
	case req.MaxPathLength < 0:
		tmpl.MaxPathLen = -1
	case req.MaxPathLength == 0:
		tmpl.MaxPathLen = 0
		tmpl.MaxPathLenZero = true
	default:
		tmpl.MaxPathLen = req.MaxPathLength
	}
	nc := req.NameConstraints
	if !nc.Empty() {
		// Critical by default per RFC 5280 §4.2.1.10; some old clients choke on
		// it, so the caller may relax it explicitly.
		tmpl.PermittedDNSDomainsCritical = nc.Critical
		tmpl.PermittedDNSDomains = nc.PermittedDNS
		tmpl.ExcludedDNSDomains = nc.ExcludedDNS
		tmpl.PermittedURIDomains = nc.PermittedURIDomain
		tmpl.ExcludedURIDomains = nc.ExcludedURIDomain
		tmpl.PermittedIPRanges = nc.PermittedIPRanges
		tmpl.ExcludedIPRanges = nc.ExcludedIPRanges
	}

	signerCert, signerKey := tmpl, req.Key
	var parents []*x509.Certificate
	if parent != nil {
		if err := parent.Check(); err != nil {
			return nil, err
		}
		if err := CheckCAUnderParent(tmpl, parent); err != nil {
			return nil, err
		}
		signerCert, signerKey = parent.Cert, parent.Key
		parents = parent.Chain()
		parent.Pointers.apply(tmpl)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, req.Key.Public(), signerKey)
	if err != nil {
		return nil, fmt.Errorf("signing CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &Issuer{Cert: cert, Key: req.Key, Parents: parents, Pointers: req.Pointers}, nil
}
