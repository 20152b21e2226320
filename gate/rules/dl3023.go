package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3023: COPY --from naming its own stage.
var DL3023 = Rule{
	ID:       "DL3023",
	Name:     "copy-from-self",
	Severity: Error,
	Summary:  "COPY --from cannot reference its own FROM alias.",
	Why: "A stage cannot copy from itself: BuildKit rejects the circular dependency (or, for a number, the " +
		"stage is not defined yet), so the build fails. Copy from the earlier stage that produces the files, " +
		"or use a plain COPY from the build context.",
	Bad:  "FROM golang:1.23 AS build\nCOPY --from=build /src /src\n",
	Good: "FROM golang:1.23 AS src\nFROM golang:1.23 AS build\nCOPY --from=src /src /src\n",
	Differences: "hadolint (DL3023.hs) fires when `--from`, as written, is the alias of the stage the COPY is " +
		"in. crank expands the value first and also counts the stage's own index (`--from=1` in the " +
		"second stage), which BuildKit rejects the same way. `compat: hadolint` compares aliases only.",
	Equivalents: Equivalents{Hadolint: []string{"DL3023"}, Trivy: []string{"DS006"}},
	Check:       checkDL3023,
}

func checkDL3023(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindCopy) {
		if ctx.Compat() {
			// hadolint (DL3023.hs) compares --from as written with the
			// current stage's alias; an index is no alias.
			if from, ok := in.Flag("from"); ok && in.Stage != nil && in.Stage.Name != "" && strings.EqualFold(in.Stage.Name, from) {
				ctx.Report(in, "COPY --from=%s names the stage it is in; copy from an earlier stage", from)
			}
			continue
		}
		if from, ok := copyFrom(ctx, in); ok && in.Stage != nil && isOwnStage(in.Stage, from) {
			ctx.Report(in, "COPY --from=%s names the stage it is in; copy from an earlier stage", from)
		}
	}
}
