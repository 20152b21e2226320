package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// CG5002: the final image declares how to check its health.
var CG5002 = Rule{
	ID:       "CG5002",
	Name:     "final-healthcheck",
	Severity: Warning,
	Summary:  "Declare a HEALTHCHECK (or an explicit HEALTHCHECK NONE) in the final stage.",
	Why: "Without a HEALTHCHECK, Docker, Compose and Swarm treat a container whose process is alive but " +
		"wedged as healthy, and keep routing to it. Declare how the service proves it works, ideally with " +
		"its own binary so slim images need no curl: `HEALTHCHECK CMD [\"/app\", \"healthcheck\"]`.\n\n" +
		"`HEALTHCHECK NONE` is accepted as an explicit decision (for example when the orchestrator's probes " +
		"do the job, as Kubernetes ignores HEALTHCHECK); it also switches off a check inherited from the " +
		"base image. Teams that rely on orchestrator probes everywhere can set `require-healthcheck: false`.",
	Bad: "FROM gcr.io/distroless/static-debian12\nCOPY app /app\nUSER 1000\nENTRYPOINT [\"/app\"]\n",
	Good: "FROM gcr.io/distroless/static-debian12\nCOPY app /app\nUSER 1000\n" +
		"HEALTHCHECK --interval=30s CMD [\"/app\", \"healthcheck\"]\nENTRYPOINT [\"/app\"]\n",
	Differences: "Only the stage that becomes the image is checked, following `FROM <stage>` chains (a " +
		"HEALTHCHECK in a parent stage is inherited); a HEALTHCHECK set by the external base image cannot be " +
		"seen and does not count. Trivy's DS026 and dockle's CIS-DI-0006 do not accept `HEALTHCHECK NONE`.",
	Equivalents: Equivalents{Trivy: []string{"DS026"}, Dockle: []string{"CIS-DI-0006"}},
	Check:       checkCG5002,
}

func checkCG5002(ctx *Context) {
	target := ctx.Target()
	if target == nil || !ctx.Config.RequireHealthcheck {
		return
	}
	for s := target; s != nil; s = s.BaseStage {
		for _, in := range s.Instructions {
			if in.Kind == dockerfile.KindHealthcheck {
				return
			}
		}
	}
	ctx.Report(target.From, "The image declares no HEALTHCHECK; add HEALTHCHECK CMD <probe> to the final stage, or HEALTHCHECK NONE if the orchestrator's probes cover it")
}
