package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL4003: more than one CMD in a stage.
var DL4003 = Rule{
	ID:       "DL4003",
	Name:     "multiple-cmd",
	Severity: Warning,
	Summary:  "Multiple CMD instructions found; only the last CMD takes effect.",
	Why: "A stage has one default command: each CMD replaces the previous one, so all but the last are dead " +
		"code that misleads readers. Keep one CMD (use a script or ENTRYPOINT to run several things).",
	Bad:  "FROM alpine:3.20\nCMD [\"./migrate\"]\nCMD [\"./serve\"]\n",
	Good: "FROM alpine:3.20\nCMD [\"./serve\"]\n",
	Differences: "Counted per stage in every stage, as in hadolint: a second CMD misleads readers of a stage " +
		"whether or not the stage is built.",
	Equivalents: Equivalents{Hadolint: []string{"DL4003"}, Trivy: []string{"DS016"}, BuildKit: []string{"MultipleInstructionsDisallowed"}},
	Check:       func(ctx *Context) { reportRepeatedInStage(ctx, dockerfile.KindCmd) },
}

// reportRepeatedInStage reports every instruction of kind after the first
// one in a stage; only the last one takes effect. Every stage counts: the
// dead instruction misleads whether or not the stage is built.
func reportRepeatedInStage(ctx *Context, kind string) {
	for _, s := range ctx.File.Stages {
		n := 0
		for _, in := range s.Instructions {
			if in.Kind != kind {
				continue
			}
			if n++; n > 1 {
				ctx.Report(in, "This stage has more than one %s and only the last takes effect; keep a single %s", kind, kind)
			}
		}
	}
}
