package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3043: ONBUILD that triggers ONBUILD, FROM or MAINTAINER.
var DL3043 = Rule{
	ID:       "DL3043",
	Name:     "onbuild-forbidden-trigger",
	Severity: Error,
	Summary:  "ONBUILD, FROM or MAINTAINER cannot be triggered from within ONBUILD.",
	Why: "Docker refuses `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER`: every image built " +
		"`FROM` this one would fail. Put the instruction in the downstream Dockerfile instead (and use a " +
		"LABEL instead of MAINTAINER).",
	Bad:  "FROM alpine:3.20\nONBUILD FROM alpine:3.20\n",
	Good: "FROM alpine:3.20\nONBUILD COPY . /app\n",
	Differences: "hadolint (DL3043.hs) fires on `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER`, as " +
		"crank does. BuildKit also rejects these instructions, so the file gets a CG0000 parse error as " +
		"well; the rest of the file is still linted.",
	Equivalents: Equivalents{Hadolint: []string{"DL3043"}},
	Check:       checkDL3043,
}

func checkDL3043(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindOnbuild) {
		if len(in.Args) == 0 {
			continue
		}
		switch trigger := strings.ToUpper(in.Args[0]); trigger {
		case dockerfile.KindOnbuild, dockerfile.KindFrom, dockerfile.KindMaintainer:
			ctx.Report(in, "ONBUILD cannot trigger %s; move it to the downstream Dockerfile", trigger)
		}
	}
}
