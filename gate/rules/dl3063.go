package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3063: the image sets no USER.
var DL3063 = Rule{
	ID:       "DL3063",
	Name:     "user-missing",
	Severity: Info,
	Summary:  "A USER should be set after the last FROM.",
	Why: "Without a USER the container runs as whatever the base image chose, usually root, and a base image " +
		"update can change it under you. Set the runtime user explicitly in the stage that becomes the image, " +
		"preferably a numeric non-root UID (`USER 10001:10001`).",
	Bad:  "FROM alpine:3.20\nCOPY app /app\nCMD [\"/app\"]\n",
	Good: "FROM alpine:3.20\nCOPY app /app\nUSER 10001:10001\nCMD [\"/app\"]\n",
	Differences: "Off by default, as in hadolint (its severity is `ignore`). hadolint asks for a USER after the " +
		"last FROM; here the stage that becomes the image (`--target`, default the last) counts, and a USER in a " +
		"stage it is built `FROM` counts too, because Docker inherits it. The finding is on the target's FROM " +
		"line (hadolint reports the line after it). `compat: hadolint` looks after the last FROM only. CG5001 " +
		"is the on-by-default rule that also asks for a numeric non-root UID.",
	Equivalents:  Equivalents{Hadolint: []string{"DL3063"}, Trivy: []string{"DS002"}},
	OffByDefault: true,
	Check:        checkDL3063,
}

func checkDL3063(ctx *Context) {
	target := ctx.Target()
	if ctx.Compat() && len(ctx.File.Stages) > 0 {
		last := ctx.File.Stages[len(ctx.File.Stages)-1]
		if LastUser(&dockerfile.Stage{Instructions: last.Instructions}) == nil {
			ctx.ReportLine(last.From, last.From.EndLine+1, "No USER after the last FROM; set the runtime user explicitly")
		}
		return
	}
	if target != nil && LastUser(target) == nil {
		ctx.Report(target.From, "The image sets no USER; set the runtime user explicitly, e.g. USER 10001:10001")
	}
}
