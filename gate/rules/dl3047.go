package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3047: wget without --progress.
var DL3047 = Rule{
	ID:       "DL3047",
	Name:     "wget-progress",
	Severity: Info,
	Summary:  "wget without --progress bloats build logs when downloading larger files.",
	Why: "Without a terminal, GNU wget prints a line of dots for every few kilobytes, so one large download " +
		"adds thousands of lines to the build log and hides the output that matters. Use " +
		"`--progress=dot:giga`, or silence it with `-q`/`-nv`.",
	Bad:  "FROM debian:12.7-slim\nRUN wget https://example.com/big.tar.gz\n",
	Good: "FROM debian:12.7-slim\nRUN wget --progress=dot:giga https://example.com/big.tar.gz\n",
	Differences: diffShippedStagesOnly + " As in hadolint, `-q`, `-nv`, `-o FILE` and `-a FILE` also count; short " +
		"options may be combined (`-qO-`).",
	Equivalents: Equivalents{Hadolint: []string{"DL3047"}},
	Check:       checkDL3047,
}

// wgetOptsWithValue are GNU wget's short options that take an argument;
// parsing a cluster such as "-qO-" stops at the first of them.
const wgetOptsWithValue = "oaeiBtOTwQPUlADIXR"

func checkDL3047(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		c := ctx.Unwrap(cmd)
		if c.Name() == "wget" && !wgetQuietOrProgress(c) {
			ctx.ReportCommand(in, cmd, "wget prints a progress line every few kilobytes in build logs; add --progress=dot:giga or -q")
		}
	}
}

func wgetQuietOrProgress(c *dockerfile.SimpleCommand) bool {
	for _, w := range c.Args[1:] {
		v := w.Value
		switch {
		case v == "--":
			return false
		case strings.HasPrefix(v, "--"):
			name, _, _ := strings.Cut(v, "=")
			switch name {
			case "--progress", "--quiet", "--no-verbose", "--output-file", "--append-output":
				return true
			}
		case v == "-nv":
			return true
		case strings.HasPrefix(v, "-n"):
			// -nc, -nd, -nH, -np: two-letter switches without a value.
		case strings.HasPrefix(v, "-"):
			for i := 1; i < len(v); i++ {
				if strings.IndexByte("qoa", v[i]) >= 0 {
					return true
				}
				if strings.IndexByte(wgetOptsWithValue, v[i]) >= 0 {
					break
				}
			}
		}
	}
	return false
}
