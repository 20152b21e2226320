package rules

import (
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"strings"
)

// DL3016: npm install without pinned versions.
var DL3016 = Rule{
	ID:       "DL3016",
	Name:     "npm-pin",
	Severity: Warning,
	Summary:  "Pin versions in npm: use npm install <package>@<version>.",
	Why: "`npm install -g typescript` takes whatever is newest when the image is built, so rebuilds drift " +
		"and a hijacked release ships unreviewed. Pin the version (`typescript@5.6.3`), or install the " +
		"project's locked dependencies with `npm ci`.",
	Bad:  "FROM node:22.11-slim\nRUN npm install -g typescript\n",
	Good: "FROM node:22.11-slim\nRUN npm install -g typescript@5.6.3\n",
	Differences: "hadolint (DL3016.hs) checks npm commands whose first word that is no flag (the `--loglevel` " +
		"and `--registry` values left out) is `install`; a package is pinned by `#` for git URLs, by a " +
		"tarball suffix or path prefix, and otherwise by any `@` after the scope (`@latest` counts), " +
		"with words as written. crank also checks `npm i`, `npm add` and npm's typo aliases; dist-tags " +
		"such as `@latest` or `@next` are not pins; git sources need a `#ref`; local paths, tarballs " +
		"and URLs count as pinned; option values (`--prefix DIR`) are not packages; variables of " +
		"unknown value are skipped. " +
		builtStagesDifference +
		" `compat: hadolint` applies hadolint's test.",
	Equivalents: Equivalents{Hadolint: []string{"DL3016"}},
	Check:       checkDL3016,
}

var npmValueOpts = takesValue("--prefix", "--registry", "--cache", "-w", "--workspace", "--omit", "--include",
	"--loglevel", "--userconfig", "--tag", "--before", "--install-strategy", "--location", "-C")

func checkDL3016(ctx *Context) {
	once := map[*dockerfile.Instruction]bool{}
	for in, cmd := range ctx.ShippedCommands() {
		c := ctx.Unwrap(cmd)
		if ctx.Compat() {
			// hadolint (DL3016.hs): npm whose first non-flag word (the
			// --loglevel and --registry values left out) is install; pins
			// are hadolint's (see hadolintNpmPinned).
			ops := hadolintOperands(c, "loglevel", "registry")
			if hadolintHasArg(c, "npm", "install") && len(ops) > 0 && ops[0] == "install" && !once[in] {
				if loose := hadolintUnpinned(ops, hadolintNpmPinned, "install"); len(loose) > 0 {
					once[in] = true
					ctx.ReportCommand(in, cmd, "npm install does not pin %s; use <package>@<version>", strings.Join(loose, ", "))
				}
			}
			continue
		}
		if c.Name() != "npm" {
			continue
		}
		switch sub, pkgs := cliSubcommand(c, npmValueOpts); sub {
		case "install", "i", "add", "isntall", "in":
			if loose := unpinned(pkgs, npmPinned); len(loose) > 0 {
				ctx.ReportCommand(in, cmd, "npm install does not pin %s; use <package>@<version>", strings.Join(loose, ", "))
			}
		}
	}
}

func npmPinned(pkg string) bool {
	lower := strings.ToLower(pkg)
	switch {
	case strings.HasPrefix(pkg, ".") || strings.HasPrefix(pkg, "/") || strings.HasPrefix(pkg, "~") || strings.HasPrefix(lower, "file:"):
		return true
	case strings.HasSuffix(lower, ".tgz") || strings.HasSuffix(lower, ".tar.gz") || strings.HasSuffix(lower, ".tar"):
		return true
	case isGitSpec(lower):
		// A git source is pinned by the commit or tag after '#'.
		_, ref, _ := strings.Cut(pkg, "#")
		return ref != ""
	case strings.Contains(pkg, "://"):
		return true
	}
	at := strings.LastIndex(pkg, "@")
	if at <= 0 {
		return false
	}
	switch version := pkg[at+1:]; version {
	case "", "latest", "next", "*", "x":
		return false
	}
	return true
}

// isGitSpec recognises npm's git sources: git URLs and user/repo shorthands.
func isGitSpec(lower string) bool {
	for _, p := range []string{"git+", "git://", "git@", "github:", "gitlab:", "bitbucket:", "gist:"} {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return !strings.HasPrefix(lower, "@") && !strings.Contains(lower, "://") && strings.Contains(lower, "/")
}

// hadolintNpmPinned is DL3016.hs's versionFixed: a git source needs "#",
// tarballs and paths are pinned, anything else needs an "@" after the
// scope (hadolint drops a leading "@scope" up to the first character not
// above '/').
func hadolintNpmPinned(p string) bool {
	switch {
	case hasAnyPrefix(p, "git://", "git+ssh://", "git+http://", "git+https://"):
		return strings.Contains(p, "#")
	case strings.HasSuffix(p, ".tar") || strings.HasSuffix(p, ".tar.gz") || strings.HasSuffix(p, ".tgz"):
		return true
	case hasAnyPrefix(p, "/", "./", "../", "~/"):
		return true
	}
	if strings.HasPrefix(p, "@") {
		p = strings.TrimLeftFunc(p, func(r rune) bool { return r > '/' })
	}
	return strings.Contains(p, "@")
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
