package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3021: COPY of several sources to a destination without a trailing slash.
var DL3021 = Rule{
	ID:       "DL3021",
	Name:     "copy-dest-slash",
	Severity: Error,
	Summary:  "COPY with more than 2 arguments requires the last argument to end with /.",
	Why: "When COPY has several sources the destination must be a directory, and Docker only accepts that " +
		"when the path ends with `/`; otherwise the build fails. End the destination with `/`.",
	Bad:  "FROM node:22.11-slim\nCOPY package.json package-lock.json /app\n",
	Good: "FROM node:22.11-slim\nCOPY package.json package-lock.json /app/\n",
	Differences: "hadolint (DL3021.hs) fires when a COPY with more than one source has a destination, as written " +
		"with quotes dropped, that does not end with `/` (`COPY a b .` fires). crank expands the " +
		"destination first (and skips it when a variable has no known value), and accepts `.`, which " +
		"BuildKit treats as the working directory, and a trailing `\\` on Windows. Every stage is " +
		"checked, as in hadolint: the build breaks whichever target includes the stage. `compat: " +
		"hadolint` checks the destination as written.",
	Equivalents: Equivalents{Hadolint: []string{"DL3021"}, Trivy: []string{"DS011"}},
	Check:       checkDL3021,
}

func checkDL3021(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindCopy) {
		if len(in.Args) < 3 {
			continue
		}
		dest, known := ctx.Expand(in, in.Args[len(in.Args)-1])
		if ctx.Compat() {
			// hadolint (DL3021.hs): the destination as written, quotes
			// dropped, must end with "/"; "." and "$DIR" fire too.
			if raw := strings.Trim(in.Args[len(in.Args)-1], `"'`); !strings.HasSuffix(raw, "/") {
				ctx.Report(in, "COPY has %d sources, so its destination %s must be a directory ending with /", len(in.Args)-1, raw)
			}
			continue
		}
		if !known || dest == "" || dest == "." || strings.HasSuffix(dest, "/") || strings.HasSuffix(dest, `\`) {
			continue
		}
		ctx.Report(in, "COPY has %d sources, so its destination %s must be a directory ending with /", len(in.Args)-1, dest)
	}
}
