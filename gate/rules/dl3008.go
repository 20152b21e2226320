package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3008: apt-get install without pinned versions.
var DL3008 = Rule{
	ID:       "DL3008",
	Name:     "apt-get-pin",
	Severity: Warning,
	Summary:  "Pin versions in apt-get install.",
	Why: "`apt-get install curl` installs whatever version the mirror has on the day of the build, so two " +
		"builds of the same commit can differ and an upgrade arrives without review. Pin each package " +
		"(`apt-get install curl=7.88.1-10+deb12u8`) and bump the pins deliberately.",
	Bad:  "FROM debian:12.7-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n",
	Good: "FROM debian:12.7-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8\n",
	Differences: "hadolint (DL3008.hs) takes every apt-get command with an `install` argument; each word that is " +
		"no flag, except the value after `-t`/`--target-release`, is a package, pinned when it contains " +
		"`=` or `/` or ends in `.deb`; words are not expanded (`$PKGS` is a package named `${PKGS}`), " +
		"and it fires once per RUN. crank reads packages with a shell parser: option values (`-o " +
		"Dpkg::Options::=--force-confold`, `-t bookworm-backports`) are not packages, variables are " +
		"expanded when their value is known (and left alone when not), local `.deb` files or paths " +
		"count as pinned, `sudo apt-get` is checked, and each apt-get command is reported. " +
		builtStagesDifference +
		" `compat: hadolint` uses hadolint's word list and pin test.",
	Equivalents: Equivalents{Hadolint: []string{"DL3008"}},
	Check:       checkDL3008,
}

var aptGetValueOpts = takesValue("-o", "--option", "-c", "--config-file", "-t", "--target-release", "--default-release")

func checkDL3008(ctx *Context) {
	once := map[*dockerfile.Instruction]bool{}
	for in, cmd := range ctx.ShippedCommands() {
		c := ctx.Unwrap(cmd)
		if ctx.Compat() {
			// hadolint (DL3008.hs): apt-get with an install argument; every
			// non-flag word but the -t/--target-release value is a package,
			// pinned by "=", a "/" or a .deb suffix; one finding per RUN.
			if hadolintHasArg(c, "apt-get", "install") && !once[in] {
				if loose := hadolintUnpinned(hadolintOperands(c, "t", "target-release"), func(p string) bool {
					return strings.Contains(p, "=") || strings.Contains(p, "/") || strings.HasSuffix(p, ".deb")
				}, "install"); len(loose) > 0 {
					once[in] = true
					ctx.ReportCommand(in, cmd, "apt-get install does not pin %s; use <package>=<version>", strings.Join(loose, ", "))
				}
			}
			continue
		}
		if c.Name() != "apt-get" {
			continue
		}
		sub, pkgs := cliSubcommand(c, aptGetValueOpts)
		if sub != "install" {
			continue
		}
		if loose := unpinned(pkgs, aptPinned); len(loose) > 0 {
			ctx.ReportCommand(in, cmd, "apt-get install does not pin %s; use <package>=<version>", strings.Join(loose, ", "))
		}
	}
}

func aptPinned(pkg string) bool {
	return strings.Contains(pkg, "=") || strings.HasSuffix(pkg, ".deb") || strings.HasPrefix(pkg, "/") || strings.HasPrefix(pkg, "./")
}

// unpinned returns the package operands pinned rejects. A word holding a
// known multi-word value ("$PKGS" from ENV) counts as the packages it
// expands to; words with unknown values are skipped.
func unpinned(pkgs []dockerfile.Word, pinned func(string) bool) []string {
	var out []string
	for _, w := range pkgs {
		if !w.Literal {
			continue
		}
		// Only a value that came from a variable is a list; a quoted
		// word is one package ("pkg@\">=1 <2\"").
		vals := []string{w.Value}
		if strings.Contains(w.Raw, "$") {
			vals = strings.Fields(w.Value)
		}
		for _, p := range vals {
			if !strings.HasPrefix(p, "-") && !pinned(p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// takesValue lists the options of a command line tool whose value is the
// next word ("-o X", "--target-release bookworm").
func takesValue(opts ...string) map[string]bool {
	m := make(map[string]bool, len(opts))
	for _, o := range opts {
		m[o] = true
	}
	return m
}

// cliSubcommand splits the operands into the subcommand ("install") and
// the rest; sub is empty when the first operand is not literal.
func cliSubcommand(c *dockerfile.SimpleCommand, valueOpts map[string]bool) (sub string, rest []dockerfile.Word) {
	ops := cliOperands(c, valueOpts)
	if len(ops) == 0 || !ops[0].Literal {
		return "", nil
	}
	return ops[0].Value, ops[1:]
}

// cliHasOption reports whether the command sets an option: a long name
// (alone or as --name=value) or a short letter alone or in a bundle
// ("-qy"). Letters in valueShort take a value, so the rest of their bundle
// is that value and not more options ("-oAPT::Get::Assume-Yes=true").
func cliHasOption(c *dockerfile.SimpleCommand, valueShort, short string, long ...string) bool {
	for _, w := range c.Args[min(1, len(c.Args)):] {
		v := w.Value
		if v == "--" {
			return false
		}
		for _, l := range long {
			if v == l || strings.HasPrefix(v, l+"=") {
				return true
			}
		}
		if len(v) < 2 || v[0] != '-' || v[1] == '-' {
			continue
		}
		for j := 1; j < len(v); j++ {
			if strings.IndexByte(short, v[j]) >= 0 {
				return true
			}
			if strings.IndexByte(valueShort, v[j]) >= 0 {
				break
			}
		}
	}
	return false
}

// cliHasUnknown reports whether an argument depends on a value the linter
// cannot see ("$APT_OPTS"), which might hold the very option a rule asks for.
func cliHasUnknown(c *dockerfile.SimpleCommand) bool {
	for _, w := range c.Args[min(1, len(c.Args)):] {
		if !w.Literal {
			return true
		}
	}
	return false
}
