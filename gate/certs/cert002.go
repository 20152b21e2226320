package certs

import (
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// CERT002: the certificate, or one its chain needs, has expired.
var CERT002 = Rule{
	ID:       "CERT002",
	Name:     "certificate-expired",
	Severity: findings.Error,
	Summary:  "The certificate, or a CA certificate its chain needs, has expired.",
	Why: "Past not-after every relying party refuses the certificate: the service is down, or something still " +
		"accepts what it should not. An expired intermediate or root breaks every leaf under it the same way. " +
		"Issue a new certificate (or rotate the CA) and deploy it; then remove the expired one from the bundle " +
		"or file it was found in.",
	Check: checkCERT002,
}

func checkCERT002(s *Subject) {
	now := s.opts.Now
	c := s.Cert
	if now.After(c.NotAfter) {
		s.report(c, findings.Error, "%s expired on %s, %d day(s) ago; issue a new certificate and deploy it", pki.CertName(c), day(c.NotAfter), daysAgo(c, now))
	}
	for _, ca := range s.chainOthers() {
		if now.After(ca.NotAfter) {
			s.report(ca, findings.Error, "%q in the chain of %s expired on %s, so the chain no longer validates; rotate that CA or present a current one", pki.CertName(ca), pki.CertName(c), day(ca.NotAfter))
		}
	}
}
