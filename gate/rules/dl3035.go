package rules

// DL3035: zypper dist-upgrade.
var DL3035 = Rule{
	ID:       "DL3035",
	Name:     "zypper-dist-upgrade",
	Severity: Warning,
	Summary:  "Do not use zypper dist-upgrade.",
	Why: "`zypper dist-upgrade` (`dup`) moves the whole distribution to whatever the repositories offer " +
		"today, changing packages the base image was built and tested with. Use a newer base image instead, " +
		"and install or update only the packages you need with pinned versions.",
	Bad:         "FROM opensuse/leap:15.6\nRUN zypper -n dist-upgrade && zypper clean\n",
	Good:        "FROM opensuse/leap:15.6\nRUN zypper -n install curl-8.6.0 && zypper clean\n",
	Differences: diffShippedStagesOnly,
	Equivalents: Equivalents{Hadolint: []string{"DL3035"}},
	Check:       checkDL3035,
}

func checkDL3035(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		c := cmd.Unwrap()
		if c.Name() == "zypper" && firstNonOptionIs(c, zypperOptsWithValue, "dist-upgrade", "dup") {
			ctx.ReportCommand(in, cmd, "zypper dist-upgrade changes the base distribution; use a newer base image or install pinned packages")
		}
	}
}
