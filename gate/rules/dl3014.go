package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3014: apt-get install without -y.
var DL3014 = Rule{
	ID:       "DL3014",
	Name:     "apt-get-yes",
	Severity: Warning,
	Summary:  "Use the -y switch to avoid manual input: apt-get -y install <package>.",
	Why: "A build has no terminal to answer apt-get's \"Do you want to continue?\", so without `-y` the install " +
		"aborts as soon as it would pull in an extra package, and the build breaks on a dependency change " +
		"that has nothing to do with your Dockerfile. Pass `-y` (or `--yes`, `--assume-yes`, `-qq`).",
	Bad:  "FROM debian:12.7-slim\nRUN apt-get install --no-install-recommends curl=7.88.1-10+deb12u8\n",
	Good: "FROM debian:12.7-slim\nRUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8\n",
	Differences: "As in hadolint, bundled flags (`-qy`) and quiet level 2 (`-qq`, `-q -q`, `-q=2`, `--quiet --quiet`, " +
		"which imply -y) count as -y; here `-o APT::Get::Assume-Yes=true` is " +
		"understood; a command line with a variable of unknown value (`apt-get install $APT_FLAGS curl`) is " +
		"skipped because the variable may hold -y. " + builtStagesDifference,
	Equivalents: Equivalents{Hadolint: []string{"DL3014"}, Trivy: []string{"DS021"}},
	Check:       checkDL3014,
}

func checkDL3014(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		c := ctx.Unwrap(cmd)
		if c.Name() != "apt-get" || cliHasUnknown(c) {
			continue
		}
		if sub, _ := cliSubcommand(c, aptGetValueOpts); sub != "install" || aptAssumesYes(c) {
			continue
		}
		ctx.ReportCommand(in, cmd, "apt-get install waits for confirmation a build cannot give; add -y")
	}
}

func aptAssumesYes(c *dockerfile.SimpleCommand) bool {
	if cliHasOption(c, "oct", "y", "--yes", "--assume-yes") {
		return true
	}
	// Quiet level 2 implies -y; the level adds up over -q, -qq, --quiet and
	// -q=N, as apt-get counts them.
	args := c.Args[1:]
	quiet := 0
	for i, w := range args {
		v := w.Value
		if n, ok := strings.CutPrefix(v, "-q="); ok {
			quiet += atoiOr(n, 0)
		} else if n, ok := strings.CutPrefix(v, "--quiet="); ok {
			quiet += atoiOr(n, 0)
		} else if v == "--quiet" {
			quiet++
		} else if strings.HasPrefix(v, "-") && !strings.HasPrefix(v, "--") && !strings.ContainsAny(v, "oct") {
			quiet += strings.Count(v, "q")
		}
		switch {
		case quiet >= 2:
			return true
		case (v == "-o" || v == "--option") && i+1 < len(args) && aptYesOption(args[i+1].Value),
			strings.HasPrefix(v, "-o") && !strings.HasPrefix(v, "--") && aptYesOption(v[2:]),
			strings.HasPrefix(v, "--option=") && aptYesOption(strings.TrimPrefix(v, "--option=")):
			return true
		}
	}
	return false
}

// aptYesOption recognises APT::Get::Assume-Yes=true (any case, 1/yes/true).
func aptYesOption(kv string) bool {
	k, v, _ := strings.Cut(kv, "=")
	if !strings.EqualFold(k, "APT::Get::Assume-Yes") {
		return false
	}
	switch strings.ToLower(strings.Trim(v, `"' `)) {
	case "1", "true", "yes":
		return true
	}
	return false
}

// atoiOr parses a small decimal number, or returns def.
func atoiOr(s string, def int) int {
	if s == "" || len(s) > 3 {
		return def
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return def
		}
		n = n*10 + int(r-'0')
	}
	return n
}
