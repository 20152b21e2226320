package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3038: dnf install without -y.
var DL3038 = Rule{
	ID:       "DL3038",
	Name:     "dnf-assume-yes",
	Severity: Warning,
	Summary:  "Use the -y switch to avoid manual input: dnf install -y <package>.",
	Why: "A build has no terminal to answer dnf's confirmation prompt, so `dnf install` without " +
		"`-y`/`--assumeyes` aborts the build. Say yes up front.",
	Bad:  "FROM fedora:40\nRUN dnf install httpd-2.4.62 && dnf clean all\n",
	Good: "FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n",
	Differences: diffShippedStagesOnly +
		" hadolint (DL3038.hs) fires on dnf and microdnf commands with an `install`, `groupinstall` or " +
		"`localinstall` argument and no `y` or `assumeyes` flag. crank also checks `dnf5`, the short " +
		"form `dnf in`, `reinstall` and `dnf module install`. `compat: hadolint` checks every stage " +
		"with hadolint's commands and subcommands.",
	Equivalents: Equivalents{Hadolint: []string{"DL3038"}},
	Check:       checkDL3038,
}

func checkDL3038(ctx *Context) {
	once := map[*dockerfile.Instruction]bool{}
	for in, cmd := range ctx.ShippedCommands() {
		c := ctx.Unwrap(cmd)
		if ctx.Compat() {
			// hadolint (DL3038.hs): dnf or microdnf install, groupinstall
			// or localinstall without a -y or --assumeyes flag.
			if (hadolintHasArg(c, "dnf", "install", "groupinstall", "localinstall") || hadolintHasArg(c, "microdnf", "install", "groupinstall", "localinstall")) &&
				!hadolintHasFlag(c, "y", "assumeyes") && !once[in] {
				once[in] = true
				ctx.ReportCommand(in, cmd, "%s would wait for confirmation; add -y", c.Name())
			}
			continue
		}
		if !isDNFCommand(c) || !(firstNonOptionIs(c, yumOptsWithValue, "install", "in", "groupinstall", "localinstall", "reinstall") || isDNFModuleInstall(c)) {
			continue
		}
		if !hasOptionOrLetter(c, []string{"--assumeyes"}, "y") {
			ctx.ReportCommand(in, cmd, "%s would wait for confirmation; add -y", c.Name())
		}
	}
}

func isDNFCommand(c *dockerfile.SimpleCommand) bool {
	switch c.Name() {
	case "dnf", "dnf5", "microdnf":
		return true
	}
	return false
}

func isDNFModuleInstall(c *dockerfile.SimpleCommand) bool {
	ops := cliOperands(c, yumOptsWithValue)
	return len(ops) > 1 && ops[0].Value == "module" && ops[1].Value == "install"
}
