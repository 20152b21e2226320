package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3069: cargo build without BuildKit cache mounts.
var DL3069 = Rule{
	ID:       "DL3069",
	Name:     "cargo-cache-mount",
	Severity: Info,
	Summary:  "Use BuildKit cache mounts for cargo's registry and git checkouts.",
	Why: "`cargo build`, `install`, `fetch`, `test`, `check` and `clippy` download crates into `$CARGO_HOME/registry` " +
		"and git dependencies into `$CARGO_HOME/git`. Without cache mounts both are written into the layer and " +
		"fetched again on every build. Mount them for the step that builds:\n\n```\n" +
		"RUN --mount=type=cache,target=/usr/local/cargo/registry \\\n    --mount=type=cache,target=/usr/local/cargo/git \\\n    cargo build --release --locked\n```\n\n" +
		"(`/root/.cargo/...` where `CARGO_HOME` is the default `~/.cargo`).",
	Bad:  "FROM rust:1.82\nWORKDIR /src\nCOPY . .\nRUN cargo build --release --locked\n",
	Good: "FROM rust:1.82\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/root/.cargo/registry --mount=type=cache,target=/root/.cargo/git cargo build --release --locked\n",
	Differences: "As in hadolint, a RUN that builds with cargo must mount a cache or tmpfs whose target contains " +
		"`.cargo` (so `/root/.cargo`, or both `/root/.cargo/registry` and `/root/.cargo/git`); one finding per RUN, " +
		"ONBUILD RUN included. Here a target under `/usr/local/cargo` counts too, because that is `CARGO_HOME` in the " +
		"official `rust` images, where hadolint asks for a mount the build never uses. hadolint looks for the " +
		"subcommand anywhere among cargo's arguments; here the subcommand itself is read (after a `+toolchain`), so " +
		"`cargo run --bin build` does not fire. RUNs of stages that are never built for the target are not " +
		"reported. `compat: hadolint` restores hadolint's matching and checks every stage.",
	Equivalents: Equivalents{Hadolint: []string{"DL3069"}},
	Check:       checkDL3069,
}

var cargoFetchSubcommands = []string{"build", "b", "install", "fetch", "test", "t", "check", "c", "clippy"}

var cargoOptsWithValue = flagSet("-C", "--config", "-Z", "--color")

func checkDL3069(ctx *Context) {
	checkCacheMount(ctx, cacheMountCheck{
		uses: func(c *dockerfile.SimpleCommand) bool {
			if c.Name() != "cargo" {
				return false
			}
			ops := cliOperands(c, cargoOptsWithValue)
			if len(ops) > 0 && strings.HasPrefix(ops[0].Value, "+") {
				ops = ops[1:]
			}
			for _, s := range cargoFetchSubcommands {
				if len(ops) > 0 && ops[0].Value == s {
					return true
				}
			}
			return false
		},
		usesCompat: func(c *dockerfile.SimpleCommand) bool {
			return hadolintHasArgs(c, "cargo", "build", "install", "fetch", "test", "check", "clippy")
		},
		mounted: func(targets []string, compat bool) bool {
			if compat {
				return anyTargetContains(targets, ".cargo")
			}
			return anyTargetContains(targets, ".cargo", "/usr/local/cargo")
		},
		message: "cargo without cache mounts bakes the crate registry and git checkouts into the layer and fetches them again on every build; " +
			"add --mount=type=cache,target=$CARGO_HOME/registry and --mount=type=cache,target=$CARGO_HOME/git to this RUN",
	})
}
