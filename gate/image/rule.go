// Package image reads container images (registry, OCI layout, docker save
// archive, Docker daemon) and checks their configuration and every layer
// of their filesystem in one streaming pass. Checks are data plus code in
// one file each (cgi1xxx config, cgi2xxx filesystem), like gate/rules.
package image

import (
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// Engine is the engine name image findings carry; SARIF gives it a run.
const Engine = "crank-gate-image"

// DocsBaseURL is where gate/docs/image.md is published; every check has an
// anchor there named after its id.
const DocsBaseURL = "https://github.com/crank-platform/terraform-provider-crank/blob/main/gate/docs/image.md"

// Rule is one image check and its documentation.
type Rule struct {
	// ID is "CGI1" + 3 digits for configuration checks and "CGI2" + 3
	// digits for filesystem checks. Ids never change meaning.
	ID       string
	Name     string
	Severity findings.Severity
	Summary  string
	// Why is the doc prose: the risk and the fix.
	Why         string
	Equivalents findings.Equivalents

	// Config inspects the image configuration, manifest and history. It
	// runs after the layer stream (its observations still come first), so
	// the stream overlaps with engines that are still starting.
	Config func(s *Scan)
	// Visit sees every tar entry of every layer, in layer order, before
	// whiteouts of later layers are known; file findings it reports are
	// qualified afterwards as present in the final image or only in its
	// history.
	Visit func(s *Scan, e *Entry)
	// Finish runs after the last layer, with the final filesystem.
	Finish func(s *Scan)
}

// Info returns the reporter-facing metadata.
func (r *Rule) Info() findings.RuleInfo {
	return findings.RuleInfo{ID: r.ID, Name: r.Name, Summary: r.Summary, Severity: r.Severity, HelpURI: HelpURI(r.ID), Engine: Engine, Equivalents: r.Equivalents}
}

// HelpURI is the doc anchor of a check.
func HelpURI(id string) string { return DocsBaseURL + "#" + lower(id) }

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// All is the image check catalogue, in id order. It is an explicit list so
// the docs, the SARIF rule table and the meta-test see the same checks.
func All() []*Rule {
	return []*Rule{
		&CGI1001, &CGI1002, &CGI1003, &CGI1004, &CGI1005, &CGI1006, &CGI1007, &CGI1008, &CGI1009, &CGI1010,
		&CGI2001, &CGI2002, &CGI2003, &CGI2004, &CGI2005, &CGI2006, &CGI2007, &CGI2008, &CGI2009,
	}
}
