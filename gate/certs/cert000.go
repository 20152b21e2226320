package certs

import (
	"fmt"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// CERT000: the inventory line, one per certificate checked.
var CERT000 = Rule{
	ID:       "CERT000",
	Name:     "certificate-status",
	Severity: findings.Info,
	Summary:  "Status of one certificate: subject, SPIFFE ID, issuer, serial, not-after, days left, chain and revocation.",
	Why: "Not a problem: the inventory a monitoring run exists for, so that a report lists every certificate it " +
		"looked at, healthy ones included, and says what was and was not checked (no `--bundle`: chain not " +
		"checked; no `--crl`: revocation not checked). It is info, so it never fails a run; " +
		"`--inventory=false` leaves it out (for a SARIF upload that should hold only problems).",
	Check: checkCERT000,
}

func checkCERT000(s *Subject) {
	c := s.Cert
	spiffe := pki.Describe(c).SPIFFEID
	if spiffe == "" {
		spiffe = "none"
	}
	left := daysLeft(c, s.opts.Now)
	when := fmt.Sprintf("%d day(s) left", left)
	if s.opts.Now.After(c.NotAfter) {
		when = fmt.Sprintf("expired %d day(s) ago", daysAgo(c, s.opts.Now))
	} else if s.opts.Now.Before(c.NotBefore) {
		when = "not valid before " + day(c.NotBefore)
	}
	s.report(c, findings.Info, "%s; SPIFFE ID %s; issuer %s; serial %s; not after %s (%s); chain: %s; revocation: %s",
		pki.CertName(c), spiffe, c.Issuer.String(), pki.FormatSerial(c.SerialNumber), day(c.NotAfter), when, s.chainText(), s.revocationText())
}

func (s *Subject) chainText() string {
	switch s.chain {
	case chainValid:
		return "valid against the bundle"
	case chainValidButTime:
		return "valid against the bundle apart from validity dates"
	case chainInvalid:
		return "INVALID: " + s.chainErr.Error()
	}
	return "not checked (no --bundle)"
}

func (s *Subject) revocationText() string {
	r := s.rev[0]
	switch r.status {
	case revNotApplicable:
		return "not applicable (self-issued)"
	case revGood:
		return fmt.Sprintf("not revoked (CRL %s number %s, next update %s)", r.crl.Path, numberOf(r.crl.List), day(r.crl.List.NextUpdate))
	case revRevoked:
		return fmt.Sprintf("REVOKED on %s (%s)", day(r.entry.RevocationTime), pki.ReasonName(r.entry.ReasonCode))
	case revUnknown:
		return "UNKNOWN: " + r.why
	}
	return "not checked (no --crl)"
}
