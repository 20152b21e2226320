package rules

import (
	"strings"
	"unicode"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3000: relative WORKDIR.
var DL3000 = Rule{
	ID:       "DL3000",
	Name:     "workdir-absolute",
	Severity: Error,
	Summary:  "Use absolute WORKDIR.",
	Why: "A relative WORKDIR is resolved against whatever WORKDIR the base image or an earlier " +
		"instruction left behind, so the same line lands in different places when the base changes and " +
		"readers cannot tell where files go. Give WORKDIR an absolute path (`/app`).",
	Bad:  "FROM debian:12.7-slim\nWORKDIR app\n",
	Good: "FROM debian:12.7-slim\nWORKDIR /app\n",
	Differences: "The path is ARG/ENV-expanded first: `WORKDIR $DIR` fires when DIR is known to be relative and " +
		"is left alone when DIR has no known value (hadolint skips every path that starts with `$`). " +
		"Windows paths (`C:\\app`, `C:/app`) count as absolute; hadolint accepts any drive letter and colon " +
		"(`C:app` too). `compat: hadolint` reads the path as written, as hadolint does.",
	Equivalents: Equivalents{Hadolint: []string{"DL3000"}, Trivy: []string{"DS009"}, BuildKit: []string{"WorkdirRelativePath"}},
	Check:       checkDL3000,
}

func checkDL3000(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindWorkdir) {
		if len(in.Args) == 0 {
			continue
		}
		if ctx.Compat() {
			// hadolint (DL3000.hs): the path as written, quotes dropped,
			// must start with "$" or "/" or a drive letter and ":".
			raw := strings.Trim(in.Args[0], `"'`)
			if !strings.HasPrefix(raw, "$") && !strings.HasPrefix(raw, "/") && !(len(raw) >= 2 && raw[1] == ':' && unicode.IsLetter(rune(raw[0]))) {
				ctx.Report(in, "WORKDIR %s is relative; use an absolute path such as /%s", raw, strings.TrimPrefix(raw, "./"))
			}
			continue
		}
		dir, known := ctx.Expand(in, in.Args[0])
		if !known || dir == "" || isAbsolutePath(dir) {
			continue
		}
		ctx.Report(in, "WORKDIR %s is relative; use an absolute path such as /%s", dir, strings.TrimPrefix(dir, "./"))
	}
}

func isAbsolutePath(p string) bool {
	if strings.HasPrefix(p, "/") || strings.HasPrefix(p, `\`) {
		return true
	}
	// Windows drive paths: C:\app, c:/app.
	return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') &&
		(p[0] >= 'a' && p[0] <= 'z' || p[0] >= 'A' && p[0] <= 'Z')
}
