package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3068: npm install without a BuildKit cache mount.
var DL3068 = Rule{
	ID:       "DL3068",
	Name:     "npm-cache-mount",
	Severity: Info,
	Summary:  "Use a BuildKit cache mount for npm (--mount=type=cache,target=/root/.npm).",
	Why: "`npm install` and `npm ci` download every package into npm's cache (`~/.npm`). Without a cache " +
		"mount that cache is written into the layer, where it only adds size, and every rebuild downloads it " +
		"all again. Mount the cache for the step that installs:\n\n```\nRUN --mount=type=cache,target=/root/.npm npm ci\n```\n",
	Bad:  "FROM node:22-slim\nWORKDIR /app\nRUN npm ci\n",
	Good: "FROM node:22-slim\nWORKDIR /app\nRUN --mount=type=cache,target=/root/.npm npm ci\n",
	Differences: "As in hadolint, a RUN that installs with npm must mount a cache or tmpfs whose target contains " +
		"`.npm`; one finding per RUN, ONBUILD RUN included. hadolint looks for `install`, `ci`, `install-ci-test` " +
		"or `it` anywhere among npm's arguments; here the npm subcommand itself is read, so npm's aliases " +
		"(`i`, `add`, `clean-install`, `install-clean`, `cit`, `install-test`) count and `npm run install` does not. " +
		"RUNs of stages that are never built for the target are not reported. `compat: hadolint` restores " +
		"hadolint's matching and checks every stage.",
	Equivalents: Equivalents{Hadolint: []string{"DL3068"}},
	Check:       checkDL3068,
}

var npmInstallSubcommands = []string{"install", "i", "add", "ci", "clean-install", "install-clean", "ic",
	"install-ci-test", "cit", "install-test", "it"}

var npmOptsWithValue = flagSet("--prefix", "-C", "--cache", "--registry", "--userconfig", "--loglevel", "-w", "--workspace")

func checkDL3068(ctx *Context) {
	checkCacheMount(ctx, cacheMountCheck{
		uses: func(c *dockerfile.SimpleCommand) bool {
			return c.Name() == "npm" && firstNonOptionIs(c, npmOptsWithValue, npmInstallSubcommands...)
		},
		usesCompat: func(c *dockerfile.SimpleCommand) bool {
			return hadolintHasArgs(c, "npm", "install", "ci", "install-ci-test", "it")
		},
		mounted: func(targets []string, _ bool) bool { return anyTargetContains(targets, ".npm") },
		message: "npm install without a cache mount bakes npm's cache into the layer and downloads it again on every build; " +
			"add --mount=type=cache,target=/root/.npm to this RUN",
	})
}

// cacheMountCheck describes one "use a BuildKit cache mount for <tool>"
// rule (hadolint's DL3068-DL3070 share this shape).
type cacheMountCheck struct {
	uses       func(*dockerfile.SimpleCommand) bool     // crank's reading of the tool's command line
	usesCompat func(*dockerfile.SimpleCommand) bool     // hadolint's (compat: hadolint)
	mounted    func(targets []string, compat bool) bool // the RUN's cache/tmpfs targets keep the tool's cache
	message    string
}

// checkCacheMount reports, once per RUN, the first command that uses the
// tool when the RUN mounts no cache for it. The RUNs are those of the
// stages that take part in building the target (every stage under
// compat), ONBUILD RUN included, as hadolint checks onbuild triggers too.
func checkCacheMount(ctx *Context, chk cacheMountCheck) {
	for _, in := range ctx.File.Instructions {
		if in.Kind != dockerfile.KindRun && in.Trigger != dockerfile.KindRun {
			continue
		}
		if in.Stage != nil && !in.Stage.ReachesTarget && !ctx.Compat() {
			continue
		}
		if chk.mounted(cacheMountTargets(in), ctx.Compat()) {
			continue
		}
		for _, cmd := range ctx.RunCommands(in) {
			c := ctx.Unwrap(cmd)
			if ctx.Compat() && chk.usesCompat(c) || !ctx.Compat() && chk.uses(c) {
				ctx.ReportCommand(in, cmd, "%s", chk.message)
				break
			}
		}
	}
}

// anyTargetContains is hadolint's Utils.hasCacheOrTmpfsMountWith: a mount
// target containing the path fragment counts (/root/.npm, /home/node/.npm).
func anyTargetContains(targets []string, frags ...string) bool {
	for _, t := range targets {
		for _, f := range frags {
			if strings.Contains(t, f) {
				return true
			}
		}
	}
	return false
}
