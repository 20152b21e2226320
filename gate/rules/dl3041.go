package rules

import "strings"

// DL3041: dnf install without versions.
var DL3041 = Rule{
	ID:       "DL3041",
	Name:     "dnf-pin",
	Severity: Warning,
	Summary:  "Specify versions with dnf install -y <package>-<version>.",
	Why: "Without a version, dnf installs whatever the repository serves on the day of the build, so two " +
		"builds of the same Dockerfile can ship different software. Name the tested version " +
		"(`httpd-2.4.62`), or `name:stream` for `dnf module install`.",
	Bad:  "FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n",
	Good: "FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n",
	Differences: diffShippedStagesOnly + " hadolint takes any hyphen as a version (`python3-pip` counts as pinned); " +
		"here a version is a hyphen-separated part that starts with a digit. `dnf5` and `microdnf` are checked " +
		"too; `.rpm` files, `@group` names and operands that depend on an unknown ARG are not reported.",
	Equivalents: Equivalents{Hadolint: []string{"DL3041"}},
	Check:       checkDL3041,
}

func checkDL3041(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		c := cmd.Unwrap()
		if !isDNFCommand(c) {
			continue
		}
		if bad := rpmOperandsWithoutVersion(c, yumOptsWithValue); len(bad) > 0 {
			ctx.ReportCommand(in, cmd, "%s installs %s without a version; use <package>-<version>", c.Name(), strings.Join(bad, ", "))
		}
	}
}
