package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3075: pnpm install without a cache mount for the pnpm store.
var DL3075 = Rule{
	ID:       "DL3075",
	Name:     "pnpm-cache-mount",
	Severity: Info,
	Summary:  "Mount a BuildKit cache at the pnpm store for RUNs that run pnpm install.",
	Why: "`pnpm install` (`i`, `add`, `fetch`) downloads every package into its content-addressed store " +
		"(`~/.local/share/pnpm/store`, or `$PNPM_HOME/store`). Without a cache mount the store is baked into " +
		"the layer next to `node_modules`, bloating the image, and every rebuild downloads it again. Use " +
		"`RUN --mount=type=cache,target=/root/.local/share/pnpm/store pnpm install --frozen-lockfile`.",
	Bad:  "FROM node:22-slim\nWORKDIR /app\nCOPY package.json pnpm-lock.yaml ./\nRUN corepack enable && pnpm install --frozen-lockfile\n",
	Good: "FROM node:22-slim\nWORKDIR /app\nCOPY package.json pnpm-lock.yaml ./\nRUN --mount=type=cache,target=/root/.local/share/pnpm/store corepack enable && pnpm install --frozen-lockfile\n",
	Differences: toolCacheMountDifferences("`pnpm` with `install`, `i`, `add` or `fetch` among its arguments",
		"pnpm's subcommand itself is read (after `-C`/`--dir`/`--filter` and their values), so `pnpm run add` does "+
			"not fire", "`pnpm`", "`PNPM_HOME`"),
	Equivalents: Equivalents{Hadolint: []string{"DL3075"}},
	Check: func(ctx *Context) {
		checkToolCacheMount(ctx, toolCacheMount{
			uses: func(c *dockerfile.SimpleCommand) bool {
				return firstOperandIn(c, []string{"pnpm"}, flagSet("-C", "--dir", "--filter", "-F", "--store-dir"), false,
					"install", "i", "add", "fetch")
			},
			usesCompat: func(c *dockerfile.SimpleCommand) bool {
				return hadolintHasArgs(c, "pnpm", "install", "add", "fetch", "i")
			},
			fragments: []string{"pnpm"},
			envDirs:   []string{"PNPM_HOME"},
			message:   "pnpm fills its package store in this layer; add --mount=type=cache,target=/root/.local/share/pnpm/store to the RUN",
		})
	},
}
