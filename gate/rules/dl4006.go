package rules

import (
	"path"
	"slices"
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
	Differences: "hadolint (DL4006.hs) fires on a RUN with a pipe unless the stage's own SHELL (forgotten at " +
		"every FROM) is bash, zsh or ash, by base name, with an `-o` flag (`-eo` counts) and a " +
		"`pipefail` argument; non-POSIX shells (pwsh, powershell, cmd) are skipped; `set -o pipefail` " +
		"in the RUN does not count. crank agrees on SHELL (so `SHELL [\"/bin/sh\", \"-o\", \"pipefail\", " +
		"...]` fires in both), and also accepts a RUN that runs `set -o pipefail` (or `set -euo " +
		"pipefail`) before its pipe and a SHELL inherited through `FROM <stage>`, as the build really " +
		"runs. Pipes are found with a shell parser, so a `|` inside quotes does not fire and pipes " +
		"inside heredoc scripts do. `compat: hadolint` drops both allowances.",
	Equivalents: Equivalents{Hadolint: []string{"DL4006"}},
	Check:       checkDL4006,
}

func checkDL4006(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindRun) {
		shell := in.Shell
		if ctx.Compat() {
			// hadolint (DL4006.hs) forgets the SHELL at every FROM, even
			// FROM <stage>, which inherits it in a real build.
			shell = stageShell(in)
		}
		if in.JSONForm || shellHasPipefail(shell) {
			continue
		}
		for _, s := range in.Scripts {
			if p := firstPipeWithoutPipefail(s, ctx.Compat()); p != nil {
				ctx.ReportCommand(in, p.Commands[0], "A pipe without pipefail hides failures of %s; set SHELL with -o pipefail or run set -o pipefail first", p.Commands[0].Name())
				break
			}
		}
	}
}

// shellHasPipefail reports whether a SHELL sets pipefail as hadolint
// accepts it: bash, zsh or ash (by base name) with an -o flag, alone or
// bundled ("-eo"), and a pipefail argument. sh is dash on Debian, whose
// older releases reject -o pipefail, so it does not count.
func shellHasPipefail(sh []string) bool {
	if len(sh) == 0 {
		return false
	}
	switch path.Base(sh[0]) {
	case "bash", "zsh", "ash":
	default:
		return false
	}
	hasO := false
	for _, a := range sh[1:] {
		hasO = hasO || slices.Contains(hadolintFlags(a), "o")
	}
	return hasO && slices.Contains(sh[1:], "pipefail")
}

// stageShell is the SHELL written in the instruction's own stage before
// it, nil when there is none.
func stageShell(in *dockerfile.Instruction) []string {
	var sh []string
	if in.Stage == nil {
		return nil
	}
	for _, x := range in.Stage.Instructions {
		if x == in {
			break
		}
		if x.Kind == dockerfile.KindShell {
			sh = x.Shell
		}
	}
	return sh
}

// firstPipeWithoutPipefail is the first pipeline of s not preceded by
// "set -o pipefail"; hadolint (compat) does not look at set at all.
func firstPipeWithoutPipefail(s *dockerfile.Script, compat bool) *dockerfile.Pipeline {
	pipefail := false
	for _, c := range s.Commands {
		if !compat && c.Name() == "set" && setsPipefail(c.Argv()[1:]) {
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
