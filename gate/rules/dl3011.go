package rules

import (
	"strconv"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3011: EXPOSE of a port outside 0-65535.
var DL3011 = Rule{
	ID:       "DL3011",
	Name:     "expose-port-range",
	Severity: Error,
	Summary:  "Valid UNIX ports range from 0 to 65535.",
	Why: "A TCP or UDP port is a 16-bit number, so EXPOSE of anything above 65535 (or of text that is not a " +
		"port) documents a port nothing can listen on, and the build fails when Docker parses it. Fix the " +
		"number, or the ARG that supplies it.",
	Bad:  "FROM nginx:1.27-alpine\nEXPOSE 80800\n",
	Good: "FROM nginx:1.27-alpine\nEXPOSE 8080/tcp\n",
	Differences: "hadolint (DL3011.hs) fires when a port number written in EXPOSE, or either end of a range, is " +
		"above 65535; variables are not expanded and other text is its parser's business. crank expands " +
		"ports first (`EXPOSE $PORT` is checked against PORT's value and skipped when it has none), " +
		"fires on a range whose start is above its end and on text that is not a port number. `compat: " +
		"hadolint` checks only the numbers written.",
	Equivalents: Equivalents{Hadolint: []string{"DL3011"}, Trivy: []string{"DS008"}},
	Check:       checkDL3011,
}

func checkDL3011(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindExpose) {
		for _, raw := range in.Args {
			v, known := ctx.Expand(in, raw)
			if ctx.Compat() {
				// hadolint (DL3011.hs) judges only the numbers written
				// in the file: a port or either end of a range above
				// 65535; no ARG expansion, no other checks.
				v, known = raw, !strings.Contains(raw, "$")
			}
			if !known {
				continue
			}
			for _, spec := range strings.Fields(v) {
				problem := portProblem(spec)
				if ctx.Compat() {
					problem = hadolintPortProblem(spec)
				}
				if problem != "" {
					ctx.Report(in, "EXPOSE %s: %s; use a port from 0 to 65535", spec, problem)
				}
			}
		}
	}
}

// portProblem checks "port", "port/proto" and "start-end[/proto]".
// hadolintPortProblem is DL3011 as hadolint checks it: only numbers above
// 65535 fire; text that is no number is its parser's business.
func hadolintPortProblem(spec string) string {
	ports, _, _ := strings.Cut(spec, "/")
	lo, hi, _ := strings.Cut(ports, "-")
	for _, p := range []string{lo, hi} {
		if n, err := strconv.ParseUint(p, 10, 64); err == nil && n > 65535 {
			return "the port is out of range"
		}
	}
	return ""
}

func portProblem(spec string) string {
	ports, _, _ := strings.Cut(spec, "/")
	lo, hi, isRange := strings.Cut(ports, "-")
	first, err := strconv.ParseUint(lo, 10, 64)
	if err != nil {
		return "not a port number"
	}
	last := first
	if isRange {
		if last, err = strconv.ParseUint(hi, 10, 64); err != nil {
			return "not a port range"
		}
		if last < first {
			return "the range ends before it starts"
		}
	}
	if last > 65535 {
		return "the port is out of range"
	}
	return ""
}
