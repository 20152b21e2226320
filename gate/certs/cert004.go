package certs

import (
	"crypto/x509"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// CERT004: the certificate, or one its chain needs, is revoked.
var CERT004 = Rule{
	ID:       "CERT004",
	Name:     "certificate-revoked",
	Severity: findings.Error,
	Summary:  "The certificate, or a CA certificate in its chain, is listed as revoked in a CRL given with --crl.",
	Why: "A revoked certificate must not be in service: its key may be compromised, or the identity withdrawn. " +
		"A CRL counts only for certificates of the CA that signed it: its issuer name and authority key " +
		"identifier must match the certificate's issuer, and its signature must verify with that issuer's key " +
		"(from the input's chain or `--bundle`). Replace the certificate; if the revocation was a mistake, " +
		"issue a new certificate anyway, since a revocation cannot be undone (except certificateHold).",
	Check: checkCERT004,
}

func checkCERT004(s *Subject) {
	s.withRevocation(revRevoked, func(c *x509.Certificate, r revocation) {
		s.report(c, findings.Error, "%s (serial %s) was revoked on %s, reason %s, per the CRL %s number %s of %q; replace it",
			pki.CertName(c), pki.FormatSerial(c.SerialNumber), day(r.entry.RevocationTime), pki.ReasonName(r.entry.ReasonCode), r.crl.Path, numberOf(r.crl.List), c.Issuer.String())
	})
}
