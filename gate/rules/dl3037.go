package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3037: zypper install without versions.
var DL3037 = Rule{
	ID:       "DL3037",
	Name:     "zypper-pin",
	Severity: Warning,
	Summary:  "Specify versions with zypper install -y <package>=<version>.",
	Why: "Without a version, zypper installs whatever the repository serves on the day of the build, so the " +
		"same Dockerfile ships different software over time. Pin the tested version (`curl=8.6.0` or a " +
		"range such as `curl>=8.6`).",
	Bad:  "FROM opensuse/leap:15.6\nRUN zypper -n install curl && zypper clean\n",
	Good: "FROM opensuse/leap:15.6\nRUN zypper -n install curl=8.6.0 && zypper clean\n",
	Differences: diffShippedStagesOnly +
		" hadolint (DL3037.hs) takes zypper commands with an `install` or `in` argument; every word " +
		"that is no flag is a package, pinned by `=`, `>`, `<` or a `.rpm` suffix. crank does not " +
		"report `-t pattern`/`-t product` installs, paths, or operands that depend on an unknown ARG. " +
		"`compat: hadolint` applies hadolint's test to every stage.",
	Equivalents: Equivalents{Hadolint: []string{"DL3037"}},
	Check:       checkDL3037,
}

func checkDL3037(ctx *Context) {
	once := map[*dockerfile.Instruction]bool{}
	for in, cmd := range ctx.ShippedCommands() {
		c := ctx.Unwrap(cmd)
		if ctx.Compat() {
			// hadolint (DL3037.hs): zypper with install or in; "=", ">",
			// "<" or a .rpm suffix pin.
			if hadolintHasArg(c, "zypper", "install", "in") && !once[in] {
				if loose := hadolintUnpinned(hadolintOperands(c), func(p string) bool {
					return strings.ContainsAny(p, "=<>") || strings.HasSuffix(p, ".rpm")
				}, "install", "in"); len(loose) > 0 {
					once[in] = true
					ctx.ReportCommand(in, cmd, "zypper installs %s without a version; use <package>=<version>", strings.Join(loose, ", "))
				}
			}
			continue
		}
		if c.Name() != "zypper" || !firstNonOptionIs(c, zypperOptsWithValue, "install", "in") || zypperInstallsNonPackages(c) {
			continue
		}
		var bad []string
		for _, p := range argsAfterSubcommand(c, zypperOptsWithValue) {
			v := p.Value
			if p.Literal && !strings.ContainsAny(v, "=<>/") && !strings.HasSuffix(v, ".rpm") {
				bad = append(bad, v)
			}
		}
		if len(bad) > 0 {
			ctx.ReportCommand(in, cmd, "zypper installs %s without a version; use <package>=<version>", strings.Join(bad, ", "))
		}
	}
}

// zypperInstallsNonPackages reports "zypper in -t pattern ..." and the like,
// whose operands have no versions.
func zypperInstallsNonPackages(c *dockerfile.SimpleCommand) bool {
	args := c.Argv()
	for i, a := range args {
		typ := ""
		switch {
		case (a == "-t" || a == "--type") && i+1 < len(args):
			typ = args[i+1]
		case strings.HasPrefix(a, "--type="):
			typ = strings.TrimPrefix(a, "--type=")
		}
		if typ != "" && typ != "package" {
			return true
		}
	}
	return false
}
