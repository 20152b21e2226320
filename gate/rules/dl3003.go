package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3003: cd in RUN instead of WORKDIR.
var DL3003 = Rule{
	ID:       "DL3003",
	Name:     "use-workdir",
	Severity: Warning,
	Summary:  "Use WORKDIR to switch to a directory.",
	Why: "`cd` in a RUN lasts only for that RUN, so the next instruction silently runs somewhere else, and " +
		"long `cd a && ... && cd ../b` chains hide where files land. WORKDIR sets the directory for every " +
		"following instruction and creates it when missing.",
	Bad:  "FROM debian:12.7-slim\nRUN cd /usr/src/app && make\n",
	Good: "FROM debian:12.7-slim\nWORKDIR /usr/src/app\nRUN make\n",
	Differences: "`cd` is found with a shell parser (not in quoted text, but inside heredoc scripts), and each RUN is " +
		"reported once, at its first `cd`. " + builtStagesDifference,
	Equivalents: Equivalents{Hadolint: []string{"DL3003"}, Trivy: []string{"DS013"}},
	Check:       checkDL3003,
}

func checkDL3003(ctx *Context) {
	var last *dockerfile.Instruction
	for in, cmd := range ctx.ShippedCommands() {
		if in == last || ctx.Unwrap(cmd).Name() != "cd" {
			continue
		}
		last = in
		ctx.ReportCommand(in, cmd, "cd only lasts for this RUN; use WORKDIR to change directory")
	}
}
