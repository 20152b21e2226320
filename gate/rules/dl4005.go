package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL4005: replacing /bin/sh with ln instead of using SHELL.
var DL4005 = Rule{
	ID:       "DL4005",
	Name:     "use-shell-instruction",
	Severity: Warning,
	Summary:  "Use SHELL to change the default shell.",
	Why: "Linking `/bin/sh` to bash changes the shell for every program in the image, including system " +
		"scripts written for a POSIX sh, and hides the choice from readers of the Dockerfile. " +
		"`SHELL [\"/bin/bash\", \"-c\"]` changes it for the RUN instructions only.",
	Bad:  "FROM debian:12.7-slim\nRUN ln -sf /bin/bash /bin/sh\n",
	Good: "FROM debian:12.7-slim\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n",
	Differences: diffShippedStagesOnly +
		" hadolint (DL4005.hs) fires on an `ln` command with an argument `/bin/sh` anywhere (`ln -s " +
		"/bin/sh /usr/local/bin/mysh` too); crank fires only when `/bin/sh` is the link being written " +
		"(the last operand). `compat: hadolint` checks every stage and matches the argument anywhere.",
	Equivalents: Equivalents{Hadolint: []string{"DL4005"}},
	Check:       checkDL4005,
}

func checkDL4005(ctx *Context) {
	once := map[*dockerfile.Instruction]bool{}
	for in, cmd := range ctx.ShippedCommands() {
		c := ctx.Unwrap(cmd)
		if ctx.Compat() {
			// hadolint (DL4005.hs): ln with an argument /bin/sh anywhere.
			if hadolintHasArg(c, "ln", "/bin/sh") && !once[in] {
				once[in] = true
				ctx.ReportCommand(in, cmd, "Replacing /bin/sh changes the shell for the whole image; use SHELL [\"/bin/bash\", \"-c\"] instead")
			}
			continue
		}
		if c.Name() != "ln" {
			continue
		}
		ops := cliOperands(c, flagSet("-t", "--target-directory", "-S", "--suffix"))
		if len(ops) >= 2 && ops[len(ops)-1].Value == "/bin/sh" {
			ctx.ReportCommand(in, cmd, "Replacing /bin/sh changes the shell for the whole image; use SHELL [\"/bin/bash\", \"-c\"] instead")
		}
	}
}
