package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL4006: pipes without pipefail.
var DL4006 = Rule{
	ID:       "DL4006",
	Name:     "pipefail",
	Severity: Warning,
	Summary:  "Set the SHELL option -o pipefail before RUN with a pipe in it.",
	Why: "A shell pipeline's status is the status of its last command, so in `curl -f $URL | tar -x` " +
		"a failed download is hidden and the build goes on with a broken layer. " +
		"`SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` (or `set -o pipefail` in the RUN) makes the " +
		"build fail where the pipe fails.",
	Bad:  "FROM debian:12.7-slim\nRUN curl -fsSL https://example.com/x.tgz | tar -xz\n",
	Good: "FROM debian:12.7-slim\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl -fsSL https://example.com/x.tgz | tar -xz\n",
	Differences: "Pipes are found with a shell parser, so a `|` inside quotes does not fire and pipes inside " +
		"heredoc scripts do. A RUN that runs `set -o pipefail` (or `set -euo pipefail`) before its pipe does not " +
		"fire. Non-POSIX shells (SHELL [\"pwsh\", ...]) are skipped.",
	Equivalents: Equivalents{Hadolint: []string{"DL4006"}},
	Check:       checkDL4006,
}

func checkDL4006(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindRun) {
		if in.JSONForm || shellHasPipefail(in.Shell) {
			continue
		}
		for _, s := range in.Scripts {
			if p := firstPipeWithoutPipefail(s); p != nil {
				ctx.ReportCommand(in, p.Commands[0], "A pipe without pipefail hides failures of %s; set SHELL with -o pipefail or run set -o pipefail first", p.Commands[0].Name())
				break
			}
		}
	}
}

func shellHasPipefail(sh []string) bool {
	for i, a := range sh {
		if a == "-o" && i+1 < len(sh) && sh[i+1] == "pipefail" {
			return true
		}
	}
	return false
}

func firstPipeWithoutPipefail(s *dockerfile.Script) *dockerfile.Pipeline {
	pipefail := false
	for _, c := range s.Commands {
		if c.Name() == "set" && setsPipefail(c.Argv()[1:]) {
			pipefail = true
		}
		if c.Pipeline != nil && c.PipeIndex == 0 && !pipefail && len(c.Pipeline.Commands) > 1 {
			return c.Pipeline
		}
	}
	return nil
}

// setsPipefail recognises "set -o pipefail", "set -euo pipefail" and
// "set -eo pipefail -x".
func setsPipefail(args []string) bool {
	for i, a := range args {
		if a == "pipefail" && i > 0 && strings.HasPrefix(args[i-1], "-") && strings.HasSuffix(args[i-1], "o") {
			return true
		}
	}
	return false
}
