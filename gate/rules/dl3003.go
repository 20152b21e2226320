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
	Differences: "hadolint (DL3003.hs) fires once per RUN in which a command is named `cd`, as crank does. crank " +
		"also finds `cd` behind `sudo`/`env` and inside `sh -c` scripts and heredoc shells, and reports " +
		"at the first `cd`'s line. " +
		builtStagesDifference +
		" `compat: hadolint` reads commands as hadolint does (ShellCheck's names, no look-through " +
		"wrappers, no nested scripts) and checks every stage.",
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
