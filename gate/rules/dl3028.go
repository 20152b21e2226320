package rules

import (
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"maps"
	"slices"
	"strings"
)

// DL3028: gem install without pinned versions.
var DL3028 = Rule{
	ID:       "DL3028",
	Name:     "gem-pin",
	Severity: Warning,
	Summary:  "Pin versions in gem install: use gem install <gem>:<version>.",
	Why: "`gem install bundler` installs the newest release at build time, so rebuilds drift and a breaking " +
		"or hijacked release ships unreviewed. Pin it (`bundler:2.5.22` or `-v 2.5.22`), or install the " +
		"project's locked gems with `bundle install`.",
	Bad:  "FROM ruby:3.3-slim\nRUN gem install bundler\n",
	Good: "FROM ruby:3.3-slim\nRUN gem install bundler:2.5.22\n",
	Differences: "hadolint (DL3028.hs) takes gem commands with an `install` or `i` argument and no `-v`, " +
		"`--version` or `--version=`; of the words before `--`, every option also takes the next word " +
		"as its value, and the rest are gems, pinned by `:`. crank also reads option values " +
		"(`--install-dir DIR`, and any long option it does not know to be a plain flag, as hadolint " +
		"does), ignores words after `--` (build options), and counts local `.gem` files as pinned; " +
		"variables of unknown value are skipped. " +
		builtStagesDifference +
		" `compat: hadolint` applies hadolint's word list and pin test.",
	Equivalents: Equivalents{Hadolint: []string{"DL3028"}},
	Check:       checkDL3028,
}

var gemValueOpts = takesValue("-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s", "--source",
	"-P", "--trust-policy", "--platform", "-g", "--file", "--build-root", "--document")

// gemFlagOpts are gem install's long options that take no value (gem help
// install); any other long option is read as taking the next word, as
// hadolint reads every option ("--use-system-libraries true").
var gemFlagOpts = takesValue("--no-document", "--no-doc", "--user-install", "--no-user-install", "--conservative",
	"--force", "--minimal-deps", "--ignore-dependencies", "--development", "--development-all", "--prerelease", "--pre",
	"--no-prerelease", "--local", "--remote", "--both", "--env-shebang", "--no-env-shebang", "--wrappers", "--no-wrappers",
	"--quiet", "--silent", "--verbose", "--no-verbose", "--default", "--explain", "--lock", "--no-lock", "--vendor",
	"--clear-sources", "--post-install-message", "--no-post-install-message", "--suggestions", "--no-suggestions",
	"--norc", "--format-executable", "--no-format-executable", "--backtrace", "--debug", "--no-ri", "--no-rdoc",
	"--update-sources", "--no-update-sources", "--http-proxy", "--no-http-proxy")

// gemOptsWithValue are the options of this gem command that take a value.
func gemOptsWithValue(c *dockerfile.SimpleCommand) map[string]bool {
	out := gemValueOpts
	for _, w := range c.Args[min(1, len(c.Args)):] {
		v := w.Value
		if v == "--" {
			break
		}
		if w.Literal && strings.HasPrefix(v, "--") && !strings.Contains(v, "=") && !gemFlagOpts[v] && !out[v] {
			if len(out) == len(gemValueOpts) {
				out = maps.Clone(gemValueOpts)
			}
			out[v] = true
		}
	}
	return out
}

func checkDL3028(ctx *Context) {
	once := map[*dockerfile.Instruction]bool{}
	for in, cmd := range ctx.ShippedCommands() {
		c := ctx.Unwrap(cmd)
		if ctx.Compat() {
			// hadolint (DL3028.hs): gem with install or i, and no -v,
			// --version or --version=; the words before "--" that are no
			// option nor follow one are gems, and ":" pins them.
			if hadolintHasArg(c, "gem", "install", "i") && !hadolintHasArg(c, "gem", "-v", "--version") &&
				!slices.ContainsFunc(hadolintArgs(c), func(a string) bool { return strings.HasPrefix(a, "--version=") }) && !once[in] {
				if loose := hadolintUnpinned(hadolintGems(c), func(p string) bool { return strings.Contains(p, ":") }, "install", "i"); len(loose) > 0 {
					once[in] = true
					ctx.ReportCommand(in, cmd, "gem install does not pin %s; use <gem>:<version> or -v <version>", strings.Join(loose, ", "))
				}
			}
			continue
		}
		if c.Name() != "gem" || cliHasOption(c, "", "v", "--version") {
			continue
		}
		sub, gems := cliSubcommand(c, gemOptsWithValue(c))
		if sub != "install" && sub != "i" {
			continue
		}
		// gem passes everything after "--" to the extension build.
		for i, w := range c.Args {
			if w.Value == "--" {
				gems = gems[:max(0, len(gems)-(len(c.Args)-i-1))]
				break
			}
		}
		if loose := unpinned(gems, gemPinned); len(loose) > 0 {
			ctx.ReportCommand(in, cmd, "gem install does not pin %s; use <gem>:<version> or -v <version>", strings.Join(loose, ", "))
		}
	}
}

func gemPinned(gem string) bool {
	return strings.Contains(gem, ":") || strings.HasSuffix(gem, ".gem")
}

// hadolintGems are DL3028.hs's gem words: the arguments before "--",
// where every option also takes the next word as its value.
func hadolintGems(c *dockerfile.SimpleCommand) []string {
	var out []string
	args := hadolintArgs(c)
	for i := 0; i < len(args) && args[i] != "--"; i++ {
		if strings.HasPrefix(args[i], "-") {
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}
