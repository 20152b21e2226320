package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3012: more than one HEALTHCHECK in a stage.
var DL3012 = Rule{
	ID:       "DL3012",
	Name:     "single-healthcheck",
	Severity: Error,
	Summary:  "Provide at most one HEALTHCHECK instruction per stage.",
	Why: "Only the last HEALTHCHECK of a stage takes effect; earlier ones are silently dropped, so a reader " +
		"(or a reviewer of a change to the first one) is misled about how the container is probed. Keep one.",
	Bad:  "FROM nginx:1.27-alpine\nHEALTHCHECK CMD wget -q --spider http://localhost/\nHEALTHCHECK CMD nc -z localhost 80\n",
	Good: "FROM nginx:1.27-alpine\nHEALTHCHECK CMD wget -q --spider http://localhost/\n",
	Differences: "hadolint (DL3012.hs) forgets HEALTHCHECKs at every FROM and fires on each HEALTHCHECK after " +
		"the first in a stage; crank does the same, so there is nothing for `compat: hadolint` to " +
		"change. BuildKit's MultipleInstructionsDisallowed reports the same problem; DL3012 wins and it " +
		"is reported once, under the id existing ignores use.",
	Equivalents: Equivalents{Hadolint: []string{"DL3012"}, Trivy: []string{"DS023"}, BuildKit: []string{"MultipleInstructionsDisallowed"}},
	Check:       checkDL3012,
}

func checkDL3012(ctx *Context) {
	for _, s := range ctx.File.Stages {
		seen := false
		for _, in := range s.Instructions {
			if in.Kind != dockerfile.KindHealthcheck {
				continue
			}
			if seen {
				ctx.Report(in, "This stage already has a HEALTHCHECK and only the last one takes effect; keep a single HEALTHCHECK")
			}
			seen = true
		}
	}
}
