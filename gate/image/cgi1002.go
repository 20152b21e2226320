package image

import "github.com/crank-platform/terraform-provider-crank/gate/findings"

// CGI1002: the image should declare a HEALTHCHECK.
var CGI1002 = Rule{
	ID:       "CGI1002",
	Name:     "image-healthcheck",
	Severity: findings.Warning,
	Summary:  "The image should declare a HEALTHCHECK (or an explicit HEALTHCHECK NONE).",
	Why: "Without a health check the runtime only knows whether the process exists, not whether it " +
		"serves. Add `HEALTHCHECK CMD [\"/app\", \"-healthcheck\"]` to the final stage, or " +
		"`HEALTHCHECK NONE` when the orchestrator probes instead. Off when `require-healthcheck: false`.",
	Equivalents: findings.Equivalents{Dockle: []string{"CIS-DI-0006"}},
	Config:      checkCGI1002,
}

func checkCGI1002(s *Scan) {
	if !s.Config.RequireHealthcheck {
		return
	}
	if hc := s.ConfigFile.Config.Healthcheck; hc != nil && len(hc.Test) > 0 {
		return
	}
	s.Report(Anchor{Kind: AnchorImage}, "healthcheck", "The image has no HEALTHCHECK; add one to the final stage (or HEALTHCHECK NONE when the orchestrator probes)")
}
