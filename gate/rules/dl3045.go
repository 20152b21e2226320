package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3045: COPY to a relative destination before any WORKDIR.
var DL3045 = Rule{
	ID:       "DL3045",
	Name:     "copy-relative-without-workdir",
	Severity: Warning,
	Summary:  "COPY to a relative destination without WORKDIR set.",
	Why: "A relative COPY destination is resolved against the working directory, which is whatever the base " +
		"image happened to set (often `/`). When the base image changes, files land somewhere else. Set " +
		"`WORKDIR` first, or copy to an absolute path.",
	Bad:  "FROM node:22.9-slim\nCOPY package.json .\n",
	Good: "FROM node:22.9-slim\nWORKDIR /app\nCOPY package.json .\n",
	Differences: diffShippedStagesOnly +
		" hadolint (DL3045.hs) fires on a COPY whose destination, as written with quotes dropped, is " +
		"relative (neither `/...` nor `C:\\...`/`C:/...`, and not starting with `$`) in a stage where " +
		"no WORKDIR was set, a WORKDIR of the stage it is built `FROM` counting; crank does the same. " +
		"crank expands the destination, so `COPY . $APP` with `ARG APP=/app` does not fire and a " +
		"destination that depends on an unknown ARG is left alone. `compat: hadolint` checks every " +
		"stage and reads the destination as written.",
	Equivalents: Equivalents{Hadolint: []string{"DL3045"}},
	Check:       checkDL3045,
}

func checkDL3045(ctx *Context) {
	for _, s := range ctx.ShippedStages() {
		workdir := false
		for p := s.BaseStage; p != nil && !workdir; p = p.BaseStage {
			workdir = stageHasKind(p, dockerfile.KindWorkdir)
		}
		for _, in := range s.Instructions {
			switch in.Kind {
			case dockerfile.KindWorkdir:
				workdir = true
			case dockerfile.KindCopy:
				if workdir || len(in.Args) < 2 {
					continue
				}
				raw, dest := in.Args[len(in.Args)-1], in.Expanded[len(in.Expanded)-1]
				if ctx.Compat() {
					// hadolint (DL3045.hs) reads the destination as
					// written, quotes dropped, and skips one that starts
					// with a variable.
					if dest = strings.Trim(raw, `"'`); strings.HasPrefix(dest, "$") {
						continue
					}
				} else if strings.Contains(raw, "$") && (dest == "" || strings.HasPrefix(dest, "$")) {
					continue
				}
				if !absoluteDest(dest) {
					ctx.Report(in, "COPY to relative destination %q depends on the base image's working directory; set WORKDIR first or use an absolute path", dest)
				}
			}
		}
	}
}

func stageHasKind(s *dockerfile.Stage, kind string) bool {
	for _, in := range s.Instructions {
		if in.Kind == kind {
			return true
		}
	}
	return false
}

// absoluteDest accepts Unix paths and Windows paths with a drive letter.
func absoluteDest(p string) bool {
	p = strings.Trim(p, "\"'")
	if strings.HasPrefix(p, "/") || strings.HasPrefix(p, "\\") {
		return true
	}
	return len(p) >= 2 && p[1] == ':' && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z')
}
