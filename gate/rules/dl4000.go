package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL4000: MAINTAINER is deprecated.
var DL4000 = Rule{
	ID:       "DL4000",
	Name:     "maintainer-deprecated",
	Severity: Error,
	Summary:  "MAINTAINER is deprecated.",
	Why: "MAINTAINER has been deprecated since Docker 1.13; the value is not shown by most tools. Use a " +
		"label instead: `LABEL org.opencontainers.image.authors=\"team@example.com\"`.",
	Bad:         "FROM alpine:3.20\nMAINTAINER team@example.com\n",
	Good:        "FROM alpine:3.20\nLABEL org.opencontainers.image.authors=\"team@example.com\"\n",
	Differences: "Reported in every stage, like hadolint and BuildKit: it is a property of the source.",
	Equivalents: Equivalents{Hadolint: []string{"DL4000"}, Trivy: []string{"DS022"}, BuildKit: []string{"MaintainerDeprecated"}},
	Check:       checkDL4000,
}

func checkDL4000(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindMaintainer) {
		ctx.Report(in, "MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors=%q instead", strings.Join(in.Args, " "))
	}
}
