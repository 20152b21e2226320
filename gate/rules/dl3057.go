package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3057: the image has no HEALTHCHECK.
var DL3057 = Rule{
	ID:       "DL3057",
	Name:     "healthcheck-missing",
	Severity: Info,
	Summary:  "HEALTHCHECK instruction missing.",
	Why: "Without a HEALTHCHECK, Docker and Swarm only know whether the process runs, not whether it serves. " +
		"Add `HEALTHCHECK CMD ...` that probes the service, or `HEALTHCHECK NONE` to state that the " +
		"orchestrator (e.g. Kubernetes probes) owns health.",
	Bad:  "FROM nginx:1.27\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
	Good: "FROM nginx:1.27\nHEALTHCHECK CMD curl -fsS http://localhost/ || exit 1\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
	Differences: "Off by default, as in hadolint (where it is ignored unless enabled). Only the image is " +
		"checked: a HEALTHCHECK in the target or a stage it is built `FROM` counts, build stages need none, and " +
		"`HEALTHCHECK NONE` counts as a decision. The crank rule on the final stage's HEALTHCHECK (configured " +
		"by `require-healthcheck`) is the on-by-default variant.",
	Equivalents:  Equivalents{Hadolint: []string{"DL3057"}, Trivy: []string{"DS026"}, Dockle: []string{"CIS-DI-0006"}},
	OffByDefault: true,
	Check:        checkDL3057,
}

func checkDL3057(ctx *Context) {
	t := ctx.Target()
	if t == nil {
		return
	}
	for _, s := range ctx.ImageStages() {
		if stageHasKind(s, dockerfile.KindHealthcheck) {
			return
		}
	}
	ctx.Report(t.From, "The image has no HEALTHCHECK; add HEALTHCHECK CMD <probe>, or HEALTHCHECK NONE if the orchestrator checks health")
}
