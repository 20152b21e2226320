package certs

import (
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// CERT003: the chain does not verify against the bundle.
var CERT003 = Rule{
	ID:       "CERT003",
	Name:     "certificate-chain-invalid",
	Severity: findings.Error,
	Summary:  "The certificate does not verify against the trust bundle given with --bundle.",
	Why: "Relying parties that trust only the bundle will refuse the certificate: it was issued by another CA, an " +
		"intermediate is missing from the file or the server's chain, a CA in the path may not issue it (name " +
		"constraints, path length, not a CA), or a signature is wrong. The chain is built from the input's own " +
		"certificates (the file, the keystore, what the server sent) up to a CA in `--bundle`, with Go's " +
		"crypto/x509 verifier, for any key usage. Expiry alone is left to CERT002 and CERT006: when a path exists at a moment " +
		"all its certificates are valid, only the dates are reported. Without `--bundle` the chain is not checked.",
	Check: checkCERT003,
}

func checkCERT003(s *Subject) {
	if s.chain == chainInvalid {
		s.report(s.Cert, findings.Error, "%s: chain invalid against --bundle: %v", pki.CertName(s.Cert), s.chainErr)
	}
}
