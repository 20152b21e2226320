package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3030: yum install without -y.
var DL3030 = Rule{
	ID:       "DL3030",
	Name:     "yum-yes",
	Severity: Warning,
	Summary:  "Use the -y switch to avoid manual input: yum install -y <package>.",
	Why: "A build has no terminal to answer yum's \"Is this ok [y/N]\", so without `-y` the install is aborted " +
		"and the build fails. Pass `-y` (or `--assumeyes`).",
	Bad:  "FROM centos:7.9.2009\nRUN yum install httpd-2.4.6 && yum clean all\n",
	Good: "FROM centos:7.9.2009\nRUN yum install -y httpd-2.4.6 && yum clean all\n",
	Differences: "hadolint (DL3030.hs) fires on yum commands with an `install`, `groupinstall` or `localinstall` " +
		"argument and no `y` or `assumeyes` flag (`-qy` counts). crank checks the same subcommands in " +
		"subcommand position, understands bundled flags the same way, and skips a command line with a " +
		"variable of unknown value, as it may hold -y. " +
		builtStagesDifference +
		" `compat: hadolint` applies hadolint's test, variables or not.",
	Equivalents: Equivalents{Hadolint: []string{"DL3030"}},
	Check:       checkDL3030,
}

var yumCLIValueOpts = takesValue("-c", "--config", "-d", "--debuglevel", "-e", "--errorlevel", "-R", "--randomwait",
	"-x", "--exclude", "--installroot", "--enablerepo", "--disablerepo", "--setopt", "--releasever", "--downloaddir")

func checkDL3030(ctx *Context) {
	once := map[*dockerfile.Instruction]bool{}
	for in, cmd := range ctx.ShippedCommands() {
		c := ctx.Unwrap(cmd)
		if ctx.Compat() {
			// hadolint (DL3030.hs): yum install, groupinstall or
			// localinstall without a -y or --assumeyes flag.
			if hadolintHasArg(c, "yum", "install", "groupinstall", "localinstall") && !hadolintHasFlag(c, "y", "assumeyes") && !once[in] {
				once[in] = true
				ctx.ReportCommand(in, cmd, "yum install waits for confirmation a build cannot give; add -y")
			}
			continue
		}
		if c.Name() != "yum" || cliHasUnknown(c) || cliHasOption(c, "cdeRx", "y", "--assumeyes") {
			continue
		}
		switch sub, _ := cliSubcommand(c, yumCLIValueOpts); sub {
		case "install", "groupinstall", "localinstall":
			ctx.ReportCommand(in, cmd, "yum %s waits for confirmation a build cannot give; add -y", sub)
		}
	}
}
