package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3034: zypper without a non-interactive switch.
var DL3034 = Rule{
	ID:       "DL3034",
	Name:     "zypper-non-interactive",
	Severity: Warning,
	Summary:  "Use zypper's non-interactive switch: zypper install -y.",
	Why: "A build has no terminal to answer zypper's confirmation prompt: without `-n`/`--non-interactive` " +
		"(or `-y`/`--no-confirm` on the command) the install aborts, or worse waits for input that never comes.",
	Bad:  "FROM opensuse/leap:15.6\nRUN zypper install curl-8.6.0 && zypper clean\n",
	Good: "FROM opensuse/leap:15.6\nRUN zypper -n install curl-8.6.0 && zypper clean\n",
	Differences: diffShippedStagesOnly +
		" hadolint (DL3034.hs) fires on zypper commands with an install, in, remove, rm, " +
		"source-install, si or patch argument anywhere and no `-n`, `--non-interactive`, `-y` or " +
		"`--no-confirm` flag; crank looks for the subcommand in subcommand position (skipping global " +
		"option values) and accepts the same flags. `compat: hadolint` checks every stage and matches " +
		"the subcommand anywhere.",
	Equivalents: Equivalents{Hadolint: []string{"DL3034"}},
	Check:       checkDL3034,
}

var zypperOptsWithValue = flagSet("-c", "--config", "-R", "--root", "--installroot", "-D", "--reposd-dir",
	"-C", "--cache-dir", "--raw-cache-dir", "--solv-cache-dir", "--pkg-cache-dir", "-t", "--type", "-r", "--repo", "--from")

func checkDL3034(ctx *Context) {
	once := map[*dockerfile.Instruction]bool{}
	for in, cmd := range ctx.ShippedCommands() {
		c := ctx.Unwrap(cmd)
		if ctx.Compat() {
			// hadolint (DL3034.hs): these zypper subcommands without a
			// -n, --non-interactive, -y or --no-confirm flag anywhere.
			if hadolintHasArg(c, "zypper", "install", "in", "remove", "rm", "source-install", "si", "patch") &&
				!hadolintHasFlag(c, "non-interactive", "n", "no-confirm", "y") && !once[in] {
				once[in] = true
				ctx.ReportCommand(in, cmd, "zypper would wait for confirmation; add -n (zypper -n install) or -y")
			}
			continue
		}
		if c.Name() != "zypper" || !firstNonOptionIs(c, zypperOptsWithValue, "install", "in", "remove", "rm", "source-install", "si", "patch") {
			continue
		}
		if !hasOptionOrLetter(c, []string{"--non-interactive", "--no-confirm"}, "ny") {
			ctx.ReportCommand(in, cmd, "zypper would wait for confirmation; add -n (zypper -n install) or -y")
		}
	}
}

// hasOptionOrLetter reports whether c has one of the long options, or a short
// option cluster ("-yq") containing one of the letters in short.
func hasOptionOrLetter(c *dockerfile.SimpleCommand, long []string, short string) bool {
	for _, w := range c.Args[min(1, len(c.Args)):] {
		v := w.Value
		for _, l := range long {
			if v == l || strings.HasPrefix(v, l+"=") {
				return true
			}
		}
		if len(v) > 1 && v[0] == '-' && v[1] != '-' && strings.ContainsAny(v[1:], short) && allASCIILetters(v[1:]) {
			return true
		}
	}
	return false
}

func allASCIILetters(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return s != ""
}
