package certs

import (
	"crypto/x509"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// CERT005: revocation was asked for and could not be established.
var CERT005 = Rule{
	ID:       "CERT005",
	Name:     "certificate-revocation-unknown",
	Severity: findings.Error,
	Summary:  "--crl was given but the certificate's revocation status cannot be established from it.",
	Why: "Fail secure: when a run is asked to check revocation, \"could not tell\" must not read as \"not revoked\". " +
		"The status is unknown when no CRL given is from the certificate's issuer, when the issuer certificate " +
		"is not available to check the CRL's signature, when a CRL naming the issuer fails that signature check " +
		"(forged, corrupt, or from a re-keyed CA), or when the CRL is past its next update and may miss recent " +
		"revocations. Give the issuer's current CRL (for crank CAs, `crank_crl`), and the issuer certificate in " +
		"the input or `--bundle`. CA certificates in the chain are checked when a CRL of their issuer is given.",
	Check: checkCERT005,
}

func checkCERT005(s *Subject) {
	s.withRevocation(revUnknown, func(c *x509.Certificate, r revocation) {
		s.report(c, findings.Error, "revocation of %s cannot be established: %s", pki.CertName(c), r.why)
	})
}
