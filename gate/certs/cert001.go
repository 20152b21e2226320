package certs

import (
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// CERT001: the certificate, or one its chain needs, expires soon.
var CERT001 = Rule{
	ID:       "CERT001",
	Name:     "certificate-expires-soon",
	Severity: findings.Warning,
	Summary:  "The certificate, or a CA certificate its chain needs, expires within --warn-days (warning) or --fail-days (error).",
	Why: "A certificate that lapses takes its service down at a moment nobody chose. The check counts whole days " +
		"left until not-after: below `--warn-days` (default 30) it is a warning, which is reported but passes " +
		"with the default `--fail-on error`; below `--fail-days` (default 7) it is an error, which fails the run. " +
		"The chain counts too: when an intermediate or the root the chain ends at expires first, the leaf stops " +
		"validating on that day, and the finding names the CA certificate. Renew the certificate (for crank " +
		"certificates, the next `tofu apply` after the renewal window opens) or rotate the CA.",
	Check: checkCERT001,
}

func checkCERT001(s *Subject) {
	now := s.opts.Now
	soon := func(days int) (findings.Severity, string, bool) {
		switch {
		case days < s.opts.FailDays:
			return findings.Error, "--fail-days", true
		case days < s.opts.WarnDays:
			return findings.Warning, "--warn-days", true
		}
		return 0, "", false
	}
	c := s.Cert
	if !now.Before(c.NotBefore) && !now.After(c.NotAfter) {
		if sev, flag, ok := soon(daysLeft(c, now)); ok {
			s.report(c, sev, "%s expires on %s, in %d day(s): below %s; renew it", pki.CertName(c), day(c.NotAfter), daysLeft(c, now), flag)
		}
	}
	for _, ca := range s.chainOthers() {
		if now.Before(ca.NotBefore) || now.After(ca.NotAfter) {
			continue
		}
		if sev, flag, ok := soon(daysLeft(ca, now)); ok {
			s.report(ca, sev, "%q in the chain of %s expires on %s, in %d day(s): below %s; the chain stops validating then, so rotate that CA", pki.CertName(ca), pki.CertName(c), day(ca.NotAfter), daysLeft(ca, now), flag)
		}
	}
}
