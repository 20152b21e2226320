package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3006: FROM without a tag.
var DL3006 = Rule{
	ID:       "DL3006",
	Name:     "untagged-from",
	Severity: Warning,
	Summary:  "Always tag the version of an image explicitly.",
	Why: "Without a tag Docker pulls `latest`, which changes under you: the same Dockerfile builds " +
		"different images on different days, and a rebuild can silently pick up a major upgrade. " +
		"Name the version you tested (`debian:12.7-slim`), or better pin the digest (CG1001).",
	Bad:  "FROM debian\nRUN true\n",
	Good: "FROM debian:12.7-slim\nRUN true\n",
	Differences: "hadolint (DL3006.hs) reads FROM as written: it fires when the image has neither tag nor digest " +
		"and is not `scratch` or the alias of an earlier stage, and leaves a reference with a variable " +
		"alone (`FROM ${VALUE}`, DL3006Spec). crank expands ARG values first (including " +
		"`${VAR:-default}` and `--build-arg`), so `ARG IMAGE=debian` + `FROM ${IMAGE}` fires and `FROM " +
		"img:${TAG}` is judged by TAG's value; a reference whose variables have no known value is left " +
		"alone, as in hadolint. `compat: hadolint` reads FROM as written.",
	Equivalents: Equivalents{Hadolint: []string{"DL3006"}, Trivy: []string{"DS001"}},
	Check:       checkDL3006,
}

func checkDL3006(ctx *Context) {
	for _, s := range ctx.File.Stages {
		ref := s.BaseRef
		if ctx.Compat() {
			// hadolint reads FROM as written: no ARG expansion, and a
			// reference with a variable is not judged (DL3006Spec "using
			// args is not an error").
			ref = dockerfile.ParseImageRef(s.BaseRaw)
		}
		if s.BaseStage != nil || ref.Unresolved || ref.Scratch || ref.Tag != "" || ref.Digest != "" {
			continue
		}
		ctx.Report(s.From, "Image %q has no tag; pin a version such as %s:<version>", s.Base, ref.Repository)
	}
}
