package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

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
	Differences: diffShippedStagesOnly + " Like hadolint, a version is a hyphen-separated part that starts with a " +
		"digit (`python3-pip` is not pinned, `python3-pip-21.0` is). Here `dnf5`, `sudo dnf` and the short form " +
		"`dnf in` are checked too, the subcommand is read as dnf does (an operand that happens to be called " +
		"`install` does not make a command an install), and `.rpm` files, paths, `@group` names, `groupinstall` " +
		"and operands that depend on an unknown ARG are not reported (none of them can carry a version). " +
		"`compat: hadolint` restores hadolint's matching.",
	Equivalents: Equivalents{Hadolint: []string{"DL3041"}},
	Check:       checkDL3041,
}

func checkDL3041(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		c := ctx.Unwrap(cmd)
		if ctx.Compat() {
			if bad := hadolintDNFUnpinned(c); len(bad) > 0 {
				ctx.ReportCommand(in, cmd, "%s installs %s without a version; use <package>-<version>", c.Name(), strings.Join(bad, ", "))
			}
			continue
		}
		if !isDNFCommand(c) || firstNonOptionIs(c, yumOptsWithValue, "groupinstall") {
			continue
		}
		if bad := rpmOperandsWithoutVersion(c, yumOptsWithValue); len(bad) > 0 {
			ctx.ReportCommand(in, cmd, "%s installs %s without a version; use <package>-<version>", c.Name(), strings.Join(bad, ", "))
		}
	}
}

// hadolintDNFUnpinned is hadolint's DL3041 check: every non-flag argument
// of a dnf/microdnf command with an "install" argument is a package
// ("name:stream" for module installs) that must carry a version.
func hadolintDNFUnpinned(c *dockerfile.SimpleCommand) []string {
	if c.Name() != "dnf" && c.Name() != "microdnf" || !hadolintHasArgs(c, c.Name(), "install") {
		return nil
	}
	module := hadolintHasArgs(c, c.Name(), "module")
	if !module && hadolintHasArgs(c, c.Name(), "group") {
		return nil
	}
	var bad []string
	for _, a := range hadolintArgsNoFlags(c) {
		if a == "install" || a == "module" {
			continue
		}
		if module && !strings.Contains(a, ":") || !module && !hadolintRPMVersionFixed(a) {
			bad = append(bad, a)
		}
	}
	return bad
}

// hadolintArgsNoFlags is hadolint's Shell.getArgsNoFlags: the arguments
// that do not start with "-" (the values of options are kept).
func hadolintArgsNoFlags(c *dockerfile.SimpleCommand) []string {
	var out []string
	for _, a := range c.Argv()[1:] {
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			out = append(out, a)
		}
	}
	return out
}

// hadolintRPMVersionFixed is hadolint's packageVersionFixed for DL3041.
func hadolintRPMVersionFixed(pkg string) bool {
	parts := strings.Split(pkg, "-")
	if len(parts) <= 1 {
		return false
	}
	if strings.HasSuffix(pkg, ".rpm") {
		return true
	}
	digit := false
	for _, p := range parts[1:] {
		for _, r := range p {
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || strings.ContainsRune(".~^_:+", r)) {
				return false
			}
		}
		digit = digit || p != "" && p[0] >= '0' && p[0] <= '9'
	}
	return digit
}
