package rules

import "strings"

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
	Differences: "`npm i` and `npm add` count as install; dist-tags such as `@latest` or `@next` are not pins; git " +
		"sources need a `#ref`; local paths, tarballs and URLs count as pinned; option values (`--prefix DIR`) " +
		"are not packages; variables of unknown value are skipped. " + builtStagesDifference,
	Equivalents: Equivalents{Hadolint: []string{"DL3016"}},
	Check:       checkDL3016,
}

var npmValueOpts = takesValue("--prefix", "--registry", "--cache", "-w", "--workspace", "--omit", "--include",
	"--loglevel", "--userconfig", "--tag", "--before", "--install-strategy", "--location", "-C")

func checkDL3016(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		c := cmd.Unwrap()
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
