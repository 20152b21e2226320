package rules

import (
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"strings"
)

// DL3018: apk add without pinned versions.
var DL3018 = Rule{
	ID:       "DL3018",
	Name:     "apk-pin",
	Severity: Warning,
	Summary:  "Pin versions in apk add: use apk add <package>=<version>.",
	Why: "`apk add curl` installs whatever the Alpine mirror carries on the day of the build, so two builds " +
		"of one commit differ and upgrades arrive unreviewed. Pin the version (`curl=8.11.1-r0`), or at least " +
		"a version constraint (`curl~=8.11`).",
	Bad:  "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
	Good: "FROM alpine:3.20\nRUN apk add --no-cache curl=8.11.1-r0\n",
	Differences: "hadolint (DL3018.hs) takes apk commands with an `add` argument; words that are no flag, less " +
		"the values of `-t`, `--virtual`, `--repository` and `-X`, are packages, pinned by `=` or `~` " +
		"or a `.apk` suffix, as written. crank reads the same option values with a shell parser, also " +
		"accepts `>`/`<` constraints, expands variables of known value and skips unknown ones. " +
		builtStagesDifference +
		" `compat: hadolint` applies hadolint's word list and pin test.",
	Equivalents: Equivalents{Hadolint: []string{"DL3018"}},
	Check:       checkDL3018,
}

var apkValueOpts = takesValue("-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch", "--cache-dir",
	"--keys-dir", "--repositories-file", "--cache-max-age", "--wait", "--timeout")

func checkDL3018(ctx *Context) {
	once := map[*dockerfile.Instruction]bool{}
	for in, cmd := range ctx.ShippedCommands() {
		c := ctx.Unwrap(cmd)
		if ctx.Compat() {
			// hadolint (DL3018.hs): apk with an add argument; the values of
			// -t, --virtual, --repository and -X are no packages; "=", "~"
			// or a .apk suffix pin.
			if hadolintHasArg(c, "apk", "add") && !once[in] {
				if loose := hadolintUnpinned(hadolintOperands(c, "t", "virtual", "repository", "X"), func(p string) bool {
					return strings.ContainsAny(p, "=~") || strings.HasSuffix(p, ".apk")
				}, "add"); len(loose) > 0 {
					once[in] = true
					ctx.ReportCommand(in, cmd, "apk add does not pin %s; use <package>=<version>", strings.Join(loose, ", "))
				}
			}
			continue
		}
		if c.Name() != "apk" {
			continue
		}
		if sub, pkgs := cliSubcommand(c, apkValueOpts); sub == "add" {
			if loose := unpinned(pkgs, apkPinned); len(loose) > 0 {
				ctx.ReportCommand(in, cmd, "apk add does not pin %s; use <package>=<version>", strings.Join(loose, ", "))
			}
		}
	}
}

func apkPinned(pkg string) bool {
	// "~" is apk's fuzzy version match ("git~2.52"), as hadolint accepts.
	return strings.ContainsAny(pkg, "=<>~") || strings.HasSuffix(pkg, ".apk")
}
