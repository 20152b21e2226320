package image

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI1004: secrets in ENV.
var CGI1004 = Rule{
	ID:       "CGI1004",
	Name:     "image-env-secret",
	Severity: findings.Error,
	Summary:  "The image configuration must not carry secrets in ENV.",
	Why: "ENV values are part of the image configuration: anyone who can pull the image reads them with " +
		"`docker inspect`, and every container inherits them. Pass secrets at run time (a mounted Secret, " +
		"the platform's secret store) and at build time with `RUN --mount=type=secret`. The value is never " +
		"printed, only a redacted hint.",
	Equivalents: findings.Equivalents{Dockle: []string{"CIS-DI-0010"}, Trivy: []string{"DS031"}},
	Config:      checkCGI1004,
}

func checkCGI1004(s *Scan) {
	for _, kv := range s.ConfigFile.Config.Env {
		k, v, _ := strings.Cut(kv, "=")
		if what, ok := scanValue(s.Content, "ENV "+k, k, v); ok {
			s.Report(Anchor{Kind: AnchorEnv, Key: k}, "env:"+k, "ENV %s holds %s, readable by anyone who can pull the image; inject it at run time instead", k, what)
		}
	}
}
