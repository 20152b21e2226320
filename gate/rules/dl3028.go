package rules

import "strings"

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
	Differences: "`-v`/`--version` pins the command's gems, option values (`--install-dir DIR`) are not gems, local " +
		"`.gem` files count as pinned, and words after `--` (build options) are ignored; variables of unknown value " +
		"are skipped. " + builtStagesDifference,
	Equivalents: Equivalents{Hadolint: []string{"DL3028"}},
	Check:       checkDL3028,
}

var gemValueOpts = takesValue("-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s", "--source",
	"-P", "--trust-policy", "--platform", "-g", "--file", "--build-root", "--document")

func checkDL3028(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		c := cmd.Unwrap()
		if c.Name() != "gem" || cliHasOption(c, "", "v", "--version") {
			continue
		}
		sub, gems := cliSubcommand(c, gemValueOpts)
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
