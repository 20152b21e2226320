package rules

import "strings"

// DL3029: FROM --platform with a constant.
var DL3029 = Rule{
	ID:       "DL3029",
	Name:     "from-platform-flag",
	Severity: Warning,
	Summary:  "Do not use --platform flag with FROM.",
	Why: "A constant `--platform=linux/amd64` ties the image to one architecture: builds for other platforms " +
		"silently produce an image that runs under emulation, or not at all. Let the builder choose " +
		"(`docker build --platform`), or use `--platform=$BUILDPLATFORM` for cross-compiling build stages.",
	Bad:  "FROM --platform=linux/amd64 debian:12.7-slim\nUSER 1000\n",
	Good: "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nFROM debian:12.7-slim\nUSER 1000\n",
	Differences: "A value that uses a variable (`$BUILDPLATFORM`, `$TARGETPLATFORM`, or an ARG) does not fire, as in " +
		"hadolint 2 and BuildKit's FromPlatformFlagConstDisallowed.",
	Equivalents: Equivalents{Hadolint: []string{"DL3029"}, BuildKit: []string{"FromPlatformFlagConstDisallowed"}},
	Check:       checkDL3029,
}

func checkDL3029(ctx *Context) {
	for _, s := range ctx.File.Stages {
		p, ok := s.From.Flag("platform")
		if !ok || strings.Contains(p, "$") {
			continue
		}
		ctx.Report(s.From, "FROM --platform=%s pins the architecture; drop the flag or use a variable such as $BUILDPLATFORM", p)
	}
}
