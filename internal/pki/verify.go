package pki

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// VerifyResult is the outcome of a chain verification, with a reason a person
// can act on when it fails.
type VerifyResult struct {
	Valid  bool
	Reason string
}

// VerifyChain verifies leafPEM against rootsPEM, with intermediatesPEM as the
// untrusted intermediates, at the given time, for any extended key usage.
func VerifyChain(leafPEM, intermediatesPEM, rootsPEM string, at time.Time) VerifyResult {
	leaf, err := ParseCertPEM(leafPEM)
	if err != nil {
		return VerifyResult{Reason: "leaf: " + err.Error()}
	}
	inters, err := ParseCertsPEM(intermediatesPEM)
	if err != nil {
		return VerifyResult{Reason: "intermediates: " + err.Error()}
	}
	roots, err := ParseCertsPEM(rootsPEM)
	if err != nil {
		return VerifyResult{Reason: "roots: " + err.Error()}
	}
	if len(roots) == 0 {
		return VerifyResult{Reason: "roots: no certificate given, nothing to verify against"}
	}
	if err := Verify(leaf, inters, roots, at); err != nil {
		return VerifyResult{Reason: err.Error()}
	}
	return VerifyResult{Valid: true, Reason: "ok"}
}

// Verify builds a path from leaf to one of roots and explains failures.
func Verify(leaf *x509.Certificate, intermediates, roots []*x509.Certificate, at time.Time) error {
	rootPool := x509.NewCertPool()
	for _, r := range roots {
		rootPool.AddCert(r)
	}
	interPool := x509.NewCertPool()
	for _, c := range intermediates {
		interPool.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{
		Roots:         rootPool,
		Intermediates: interPool,
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err == nil {
		return nil
	}
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) && invalid.Reason == x509.Expired {
		return fmt.Errorf("certificate %q is expired or not yet valid at %s (valid %s to %s)", invalid.Cert.Subject, at.UTC().Format(time.RFC3339), invalid.Cert.NotBefore.UTC().Format(time.RFC3339), invalid.Cert.NotAfter.UTC().Format(time.RFC3339))
	}
	var unknown x509.UnknownAuthorityError
	if errors.As(err, &unknown) {
		return fmt.Errorf("certificate %q was not issued by any of the given roots or intermediates (issuer %q)", leaf.Subject, leaf.Issuer)
	}
	return err
}
