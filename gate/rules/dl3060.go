package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3060: yarn install without yarn cache clean.
var DL3060 = Rule{
	ID:       "DL3060",
	Name:     "yarn-cache-clean",
	Severity: Info,
	Summary:  "Run yarn cache clean in the same RUN as yarn install.",
	Why: "Yarn keeps every downloaded package in its global cache. In an image the cache is dead weight, " +
		"often as large as `node_modules`; only the RUN that filled it can keep it out of the layer. End that " +
		"RUN with `yarn cache clean`, or mount the cache with `--mount=type=cache`.",
	Bad:  "FROM node:22.9-slim\nWORKDIR /app\nRUN yarn install --frozen-lockfile\n",
	Good: "FROM node:22.9-slim\nWORKDIR /app\nRUN yarn install --frozen-lockfile && yarn cache clean\n",
	Differences: "Like hadolint, only the target and the stages it is built `FROM` are checked, plus every " +
		"ONBUILD RUN: the usual pattern of installing in a build stage and copying `node_modules` or the bundle " +
		"out does not fire. hadolint accepts any `yarn` command with a `cache` or `clean` argument anywhere in the " +
		"RUN; here `yarn cache clean` (or removing the cache with `rm -rf`) must follow the last install, and a " +
		"cache mount on a yarn cache directory counts. `compat: hadolint` restores hadolint's matching.",
	Equivalents: Equivalents{Hadolint: []string{"DL3060"}},
	Check:       checkDL3060,
}

var yarnCacheDirs = []string{"/usr/local/share/.cache/yarn", "/root/.cache/yarn", "/home/node/.cache/yarn", "~/.cache/yarn", "$HOME/.cache/yarn"}

func checkDL3060(ctx *Context) {
	for _, in := range imageChainAndTriggerRuns(ctx) {
		if yarnCacheMounted(in) {
			continue
		}
		if ctx.Compat() {
			install, clean := false, false
			for _, cmd := range ctx.RunCommands(in) {
				install = install || hadolintHasArgs(cmd, "yarn", "install")
				clean = clean || hadolintHasArgs(cmd, "yarn", "cache", "clean")
			}
			if install && !clean {
				ctx.Report(in, "yarn install leaves its package cache in the layer; end this RUN with yarn cache clean")
			}
			continue
		}
		install := func(c *dockerfile.SimpleCommand) bool {
			return c.Name() == "yarn" && firstNonOptionIs(c, flagSet("--cwd", "--cache-folder", "--modules-folder"), "install")
		}
		clean := func(c *dockerfile.SimpleCommand) bool {
			args := c.Argv()
			return c.Name() == "rm" && rmDeletesUnder(c, yarnCacheDirs...) ||
				c.Name() == "yarn" && len(args) > 2 && args[1] == "cache" && args[2] == "clean"
		}
		if first := installNotCleaned(ctx, ctx.RunCommands(in), install, clean, false); first != nil {
			ctx.ReportCommand(in, first, "yarn install leaves its package cache in the layer; end this RUN with yarn cache clean")
		}
	}
}

// imageChainAndTriggerRuns are the RUNs of the target and the stages it is
// built FROM, whatever the compat setting (hadolint scopes DL3009 and
// DL3060 the same way), plus every ONBUILD RUN trigger.
func imageChainAndTriggerRuns(ctx *Context) []*dockerfile.Instruction {
	var runs []*dockerfile.Instruction
	for _, s := range ctx.targetChain() {
		for _, in := range s.Instructions {
			if in.Kind == dockerfile.KindRun {
				runs = append(runs, in)
			}
		}
	}
	for _, in := range ctx.File.Instructions {
		if in.Trigger == dockerfile.KindRun {
			runs = append(runs, in)
		}
	}
	return runs
}

func yarnCacheMounted(in *dockerfile.Instruction) bool {
	for _, t := range cacheMountTargets(in) {
		if strings.Contains(t, "yarn") {
			return true
		}
	}
	return false
}
