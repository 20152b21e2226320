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
	Differences: diffImageStagesOnly + " The usual pattern of installing in a build stage and copying " +
		"`node_modules` or the bundle out does not fire. A cache mount on a yarn cache directory and removing " +
		"the cache with `rm -rf` also count.",
	Equivalents: Equivalents{Hadolint: []string{"DL3060"}},
	Check:       checkDL3060,
}

var yarnCacheDirs = []string{"/usr/local/share/.cache/yarn", "/root/.cache/yarn", "/home/node/.cache/yarn", "~/.cache/yarn", "$HOME/.cache/yarn"}

func checkDL3060(ctx *Context) {
	for _, s := range ctx.ImageStages() {
		for _, in := range s.Instructions {
			if in.Kind != dockerfile.KindRun || yarnCacheMounted(in) {
				continue
			}
			var first *dockerfile.SimpleCommand
			cleaned := false
			for _, cmd := range in.Commands() {
				c := cmd.Unwrap()
				if c.Name() != "yarn" && c.Name() != "rm" {
					continue
				}
				args := c.Argv()
				switch {
				case c.Name() == "rm":
					cleaned = cleaned || rmDeletesUnder(c, yarnCacheDirs...)
				case len(args) > 2 && args[1] == "cache" && args[2] == "clean":
					cleaned = true
				case first == nil && firstNonOptionIs(c, flagSet("--cwd", "--cache-folder", "--modules-folder"), "install"):
					first = cmd
				}
			}
			if first != nil && !cleaned {
				ctx.ReportCommand(in, first, "yarn install leaves its package cache in the layer; end this RUN with yarn cache clean")
			}
		}
	}
}

func yarnCacheMounted(in *dockerfile.Instruction) bool {
	for _, t := range cacheMountTargets(in) {
		if strings.Contains(t, "yarn") {
			return true
		}
	}
	return false
}
