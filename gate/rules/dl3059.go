package rules

import (
	"slices"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3059: consecutive RUN instructions.
var DL3059 = Rule{
	ID:       "DL3059",
	Name:     "consecutive-run",
	Severity: Info,
	Summary:  "Multiple consecutive RUN instructions; consider consolidating them.",
	Why: "Each RUN adds a layer. Consecutive RUNs with the same options can usually be one RUN joined with " +
		"`&&` (or a heredoc), which keeps the image smaller and lets a later step delete what an earlier one " +
		"wrote before the layer is committed.",
	Bad:  "FROM debian:12.7-slim\nRUN mkdir -p /app\nRUN chown 1000 /app\n",
	Good: "FROM debian:12.7-slim\nRUN mkdir -p /app && chown 1000 /app\n",
	Differences: "Only the stages whose layers become the image are checked; layers of build stages are " +
		"thrown away. As in hadolint, RUNs with different flags (`--mount`, `--network`) are not consolidation " +
		"candidates and do not fire, nor does a RUN next to one that already chains several commands " +
		"(`&&`, `;`, a multi-command heredoc): that split is deliberate. Comments between the RUNs do not matter. " +
		"`compat: hadolint` checks every stage.",
	Equivalents: Equivalents{Hadolint: []string{"DL3059"}},
	Check:       checkDL3059,
}

func checkDL3059(ctx *Context) {
	for _, s := range ctx.ImageStages() {
		var prev *dockerfile.Instruction
		for _, in := range s.Instructions {
			// As in hadolint, a RUN that chains several commands is a
			// deliberate grouping: only two single-command RUNs fire.
			if in.Kind == dockerfile.KindRun && prev != nil && prev.Kind == dockerfile.KindRun && slices.Equal(prev.Flags, in.Flags) &&
				len(in.Commands()) <= 1 && len(prev.Commands()) <= 1 {
				ctx.Report(in, "This RUN directly follows another RUN with the same options; join them with && to save a layer")
			}
			prev = in
		}
	}
}
