package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3035: zypper dist-upgrade.
var DL3035 = Rule{
	ID:       "DL3035",
	Name:     "zypper-dist-upgrade",
	Severity: Warning,
	Summary:  "Do not use zypper dist-upgrade.",
	Why: "`zypper dist-upgrade` (`dup`) moves the whole distribution to whatever the repositories offer " +
		"today, changing packages the base image was built and tested with. Use a newer base image instead, " +
		"and install or update only the packages you need with pinned versions.",
	Bad:  "FROM opensuse/leap:15.6\nRUN zypper -n dist-upgrade && zypper clean\n",
	Good: "FROM opensuse/leap:15.6\nRUN zypper -n install curl-8.6.0 && zypper clean\n",
	Differences: diffShippedStagesOnly +
		" hadolint (DL3035.hs) fires on zypper commands with a `dist-upgrade` or `dup` argument " +
		"anywhere; crank looks for it in subcommand position. `compat: hadolint` checks every stage and " +
		"matches the argument anywhere.",
	Equivalents: Equivalents{Hadolint: []string{"DL3035"}},
	Check:       checkDL3035,
}

func checkDL3035(ctx *Context) {
	once := map[*dockerfile.Instruction]bool{}
	for in, cmd := range ctx.ShippedCommands() {
		c := ctx.Unwrap(cmd)
		if ctx.Compat() {
			// hadolint (DL3035.hs): zypper with a dist-upgrade or dup
			// argument anywhere.
			if hadolintHasArg(c, "zypper", "dist-upgrade", "dup") && !once[in] {
				once[in] = true
				ctx.ReportCommand(in, cmd, "zypper dist-upgrade changes the base distribution; use a newer base image or install pinned packages")
			}
			continue
		}
		if c.Name() == "zypper" && firstNonOptionIs(c, zypperOptsWithValue, "dist-upgrade", "dup") {
			ctx.ReportCommand(in, cmd, "zypper dist-upgrade changes the base distribution; use a newer base image or install pinned packages")
		}
	}
}
