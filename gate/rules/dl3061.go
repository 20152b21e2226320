package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3061: an instruction other than ARG before the first FROM.
var DL3061 = Rule{
	ID:       "DL3061",
	Name:     "instruction-order",
	Severity: Error,
	Summary:  "Invalid instruction order: a Dockerfile must begin with FROM, ARG or a comment.",
	Why: "Only ARG may come before the first FROM; Docker refuses anything else because there is no image " +
		"yet to apply it to. Move the instruction after FROM.",
	Bad:  "LABEL maintainer=me\nFROM alpine:3.20\n",
	Good: "FROM alpine:3.20\nLABEL maintainer=me\n",
	Differences: "hadolint (DL3061.hs) fires on every instruction other than ARG (comments and parser directives " +
		"aside) before the first FROM, as crank does. BuildKit rejects them too, so a CG0000 parse " +
		"error accompanies this finding.",
	Equivalents: Equivalents{Hadolint: []string{"DL3061"}},
	Check:       checkDL3061,
}

func checkDL3061(ctx *Context) {
	for in := range ctx.Instructions() {
		if in.Kind == dockerfile.KindFrom {
			return
		}
		if in.Kind != dockerfile.KindArg {
			ctx.Report(in, "%s comes before the first FROM; only ARG may precede FROM, so move it into a stage", in.Kind)
		}
	}
}
