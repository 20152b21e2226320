// Package certs monitors certificate expiry outside Terraform runs: it
// reads PEM and DER files, PKCS#12 keystores and live TLS endpoints, and
// reports per certificate its identity, days left, chain validity against
// a trust bundle and revocation against CRLs. Checks are data plus code in
// one file each (cert0xx.go), like gate/image; the catalogue is All.
package certs

import (
	"fmt"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// Engine is the engine name certificate findings carry; SARIF gives it a run.
const Engine = "crank-gate-certs"

// DocsBaseURL is where gate/docs/certs.md is published; every check has an
// anchor there named after its id.
const DocsBaseURL = "https://github.com/crank-platform/terraform-provider-crank/blob/main/gate/docs/certs.md"

// Rule is one certificate check and its documentation. Ids never change
// meaning, so waivers and dashboards keyed on them keep working.
type Rule struct {
	ID       string
	Name     string
	Severity findings.Severity
	Summary  string
	// Why is the doc prose: the risk and the fix.
	Why string
	// Check inspects one subject (a leaf and the chain it was found with)
	// and reports through it.
	Check func(s *Subject)
}

// Info returns the reporter-facing metadata.
func (r *Rule) Info() findings.RuleInfo {
	return findings.RuleInfo{ID: r.ID, Name: r.Name, Summary: r.Summary, Severity: r.Severity, HelpURI: HelpURI(r.ID), Engine: Engine}
}

// HelpURI is the doc anchor of a check.
func HelpURI(id string) string { return DocsBaseURL + "#" + strings.ToLower(id) }

// All is the certificate check catalogue, in id order. It is an explicit
// list so the docs, the SARIF rule table and the meta-test see the same checks.
func All() []*Rule {
	return []*Rule{&CERT000, &CERT001, &CERT002, &CERT003, &CERT004, &CERT005, &CERT006}
}

// RuleInfos describes every check, for reporters.
func RuleInfos() []findings.RuleInfo {
	out := make([]findings.RuleInfo, 0, len(All()))
	for _, r := range All() {
		out = append(out, r.Info())
	}
	return out
}

// Reference renders the check reference of gate/docs/certs.md from the
// catalogue; a test keeps the checked-in guide in step with it.
func Reference() string {
	var b strings.Builder
	b.WriteString("| ID | Severity | Summary |\n|----|----------|---------|\n")
	for _, r := range All() {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s |\n", r.ID, strings.ToLower(r.ID), r.Severity, r.Summary)
	}
	for _, r := range All() {
		fmt.Fprintf(&b, "\n### %s\n\n`%s` · %s\n\n%s\n\n%s\n", r.ID, r.Name, r.Severity, r.Summary, r.Why)
	}
	return b.String()
}
