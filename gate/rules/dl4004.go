package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL4004: more than one ENTRYPOINT in a stage.
var DL4004 = Rule{
	ID:       "DL4004",
	Name:     "multiple-entrypoint",
	Severity: Error,
	Summary:  "Multiple ENTRYPOINT instructions found; only the last ENTRYPOINT takes effect.",
	Why: "Each ENTRYPOINT replaces the previous one (and resets CMD inherited from the base image), so all " +
		"but the last are dead code that misleads readers about what the container runs. Keep one.",
	Bad:  "FROM alpine:3.20\nENTRYPOINT [\"/bin/sh\"]\nENTRYPOINT [\"/app\"]\n",
	Good: "FROM alpine:3.20\nENTRYPOINT [\"/app\"]\n",
	Differences: "Counted per stage in every stage, as in hadolint: a second ENTRYPOINT misleads readers of a " +
		"stage whether or not the stage is built.",
	Equivalents: Equivalents{Hadolint: []string{"DL4004"}, Trivy: []string{"DS007"}, BuildKit: []string{"MultipleInstructionsDisallowed"}},
	Check:       func(ctx *Context) { reportRepeatedInStage(ctx, dockerfile.KindEntrypoint) },
}
