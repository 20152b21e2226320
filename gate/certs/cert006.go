package certs

import (
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// CERT006: the certificate, or one its chain needs, is not valid yet.
var CERT006 = Rule{
	ID:       "CERT006",
	Name:     "certificate-not-yet-valid",
	Severity: findings.Error,
	Summary:  "The certificate, or a CA certificate its chain needs, is not valid yet (not-before is in the future).",
	Why: "Relying parties refuse a certificate before its not-before as firmly as after its not-after. It usually " +
		"means a clock was wrong where the certificate was issued, or a backdating/forward-dating mistake; " +
		"check the issuing host's clock and issue the certificate again.",
	Check: checkCERT006,
}

func checkCERT006(s *Subject) {
	now := s.opts.Now
	for i, c := range s.Chain {
		if i > 0 && s.isSubject(c) {
			continue
		}
		if now.Before(c.NotBefore) {
			s.report(c, findings.Error, "%s is not valid before %s; check the issuing host's clock and issue it again", pki.CertName(c), day(c.NotBefore))
		}
	}
}
