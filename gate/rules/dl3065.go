package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3065: FROM --platform=$TARGETPLATFORM.
var DL3065 = Rule{
	ID:       "DL3065",
	Name:     "redundant-target-platform",
	Severity: Warning,
	Summary:  "FROM --platform=$TARGETPLATFORM is redundant: it is the default.",
	Why: "A stage is built for the target platform unless `--platform` says otherwise, so " +
		"`--platform=$TARGETPLATFORM` only repeats the default, and it hides the stages that really pick a " +
		"platform (`--platform=$BUILDPLATFORM` for cross-compiling builders). Drop the flag.",
	Bad:  "FROM --platform=$TARGETPLATFORM alpine:3.20\nRUN true\n",
	Good: "FROM alpine:3.20\nRUN true\n",
	Differences: "As in hadolint, `--platform=$TARGETPLATFORM` and `--platform=${TARGETPLATFORM}` fire, in every " +
		"stage, and quoting the value (`--platform=\"$TARGETPLATFORM\"`) changes nothing; `${TARGETPLATFORM:-...}` " +
		"is not reported. " +
		"BuildKit's RedundantTargetPlatform is the same check; DL3065 wins and it is reported once, under the " +
		"id hadolint users already ignore by.",
	Equivalents: Equivalents{Hadolint: []string{"DL3065"}, BuildKit: []string{"RedundantTargetPlatform"}},
	Check:       checkDL3065,
}

func checkDL3065(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindFrom) {
		p, ok := in.Flag("platform")
		if !ok {
			continue
		}
		p = strings.Trim(p, `"'`)
		if p == "$TARGETPLATFORM" || p == "${TARGETPLATFORM}" {
			ctx.Report(in, "FROM --platform=%s repeats the default platform; remove the --platform flag", p)
		}
	}
}
