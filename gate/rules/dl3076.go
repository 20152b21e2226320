package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3076: mix deps.get without cache mounts for Hex and Mix.
var DL3076 = Rule{
	ID:       "DL3076",
	Name:     "mix-cache-mount",
	Severity: Info,
	Summary:  "Mount BuildKit caches at ~/.hex and ~/.mix for RUNs that fetch or compile Elixir deps.",
	Why: "`mix deps.get`, `deps.compile` and `compile` download Hex packages into `~/.hex` and keep Mix's " +
		"archives in `~/.mix`. Without cache mounts they are baked into the layer, bloating the image, and every " +
		"rebuild downloads them again. Use `RUN --mount=type=cache,target=/root/.hex " +
		"--mount=type=cache,target=/root/.mix mix deps.get`.",
	Bad:  "FROM elixir:1.17\nWORKDIR /app\nCOPY mix.exs mix.lock ./\nRUN mix deps.get --only prod\n",
	Good: "FROM elixir:1.17\nWORKDIR /app\nCOPY mix.exs mix.lock ./\nRUN --mount=type=cache,target=/root/.hex --mount=type=cache,target=/root/.mix mix deps.get --only prod\n",
	Differences: toolCacheMountDifferences("`mix` with `deps.get`, `deps.compile` or `compile` among its arguments",
		"`mix do deps.get, compile` counts (the comma is not part of the task name)",
		"`.hex` or `.mix` (either one is enough, as in hadolint)", "`HEX_HOME` or `MIX_HOME`"),
	Equivalents: Equivalents{Hadolint: []string{"DL3076"}},
	Check: func(ctx *Context) {
		checkToolCacheMount(ctx, toolCacheMount{
			uses: func(c *dockerfile.SimpleCommand) bool {
				if c.Name() != "mix" {
					return false
				}
				for _, op := range cliOperands(c, nil) {
					switch strings.TrimSuffix(op.Value, ",") {
					case "deps.get", "deps.compile", "compile":
						return true
					}
				}
				return false
			},
			usesCompat: func(c *dockerfile.SimpleCommand) bool {
				return hadolintHasArgs(c, "mix", "deps.get", "deps.compile", "compile")
			},
			fragments: []string{".hex", ".mix"},
			envDirs:   []string{"HEX_HOME", "MIX_HOME"},
			message:   "mix fills the Hex and Mix caches in this layer; add --mount=type=cache,target=/root/.hex and --mount=type=cache,target=/root/.mix to the RUN",
		})
	},
}
