package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3070: go build without BuildKit cache mounts.
var DL3070 = Rule{
	ID:       "DL3070",
	Name:     "go-cache-mount",
	Severity: Info,
	Summary:  "Use BuildKit cache mounts for Go's build cache and module cache.",
	Why: "`go build`, `get`, `install`, `test` and `mod download` fill the build cache (`/root/.cache/go-build`) " +
		"and the module cache (`/go/pkg/mod` in the official image). Without cache mounts both are written into " +
		"the layer and rebuilt from nothing on every build. Mount them for the step that builds:\n\n```\n" +
		"RUN --mount=type=cache,target=/go/pkg/mod \\\n    --mount=type=cache,target=/root/.cache/go-build \\\n    go build -o /out/app ./cmd/app\n```\n",
	Bad:  "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app ./cmd/app\n",
	Good: "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build -o /out/app ./cmd/app\n",
	Differences: "As in hadolint, a RUN that runs `go build`, `get`, `install`, `test` or `mod` must mount a cache " +
		"or tmpfs whose target contains `.cache/go-build` or `go/pkg/mod` (either one is enough); one finding per " +
		"RUN, ONBUILD RUN included. hadolint looks for the subcommand anywhere among go's arguments; here the " +
		"subcommand itself is read (after `-C dir`), so `go run ./gen build` and `go version` do not fire. RUNs " +
		"of stages that are never built for the target are not reported. DL3062 (pin versions in go install) " +
		"is a separate question and fires independently. `compat: hadolint` restores hadolint's matching and " +
		"checks every stage.",
	Equivalents: Equivalents{Hadolint: []string{"DL3070"}},
	Check:       checkDL3070,
}

var goCacheSubcommands = []string{"build", "get", "install", "test", "mod"}

func checkDL3070(ctx *Context) {
	checkCacheMount(ctx, cacheMountCheck{
		uses: func(c *dockerfile.SimpleCommand) bool {
			return c.Name() == "go" && firstNonOptionIs(c, flagSet("-C"), goCacheSubcommands...)
		},
		usesCompat: func(c *dockerfile.SimpleCommand) bool {
			return hadolintHasArgs(c, "go", goCacheSubcommands...)
		},
		mounted: func(targets []string, _ bool) bool {
			return anyTargetContains(targets, ".cache/go-build", "go/pkg/mod")
		},
		message: "go without cache mounts bakes the build and module caches into the layer and starts from nothing on every build; " +
			"add --mount=type=cache,target=/root/.cache/go-build and --mount=type=cache,target=/go/pkg/mod to this RUN",
	})
}
