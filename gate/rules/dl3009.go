package rules

import (
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3009: apt lists left in the layer.
var DL3009 = Rule{
	ID:       "DL3009",
	Name:     "apt-lists-cleanup",
	Severity: Info,
	Summary:  "Delete the apt-get lists after installing something.",
	Why: "`apt-get update` downloads package indexes into `/var/lib/apt/lists`: tens of megabytes that stay in " +
		"the layer and go stale immediately. A later RUN cannot shrink the layer that wrote them, so remove " +
		"them in the same RUN (`&& rm -rf /var/lib/apt/lists/*`) or mount that directory as a cache.",
	Bad:  "FROM debian:12.7-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8\n",
	Good: "FROM debian:12.7-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \\\n && rm -rf /var/lib/apt/lists/*\n",
	Differences: imageLayersDifference + " A RUN with a cache or tmpfs mount on `/var/lib/apt/lists` (or `/var/lib/apt`) " +
		"does not fire, `apt update` counts like `apt-get update`, and `apt-get distclean` counts as cleaning.",
	Equivalents: Equivalents{Hadolint: []string{"DL3009"}, Dockle: []string{"DKL-DI-0005"}},
	Check:       checkDL3009,
}

// imageLayersDifference explains why image-size rules skip build stages.
const imageLayersDifference = "Only the stages whose layers become the image are checked (the target and the stages " +
	"it is built `FROM`): what a build stage leaves behind is discarded with it, while hadolint reports every stage."

func checkDL3009(ctx *Context) {
	for _, in := range imageLayerRuns(ctx) {
		if cacheMountCovers(in, "/var/lib/apt/lists") {
			continue
		}
		var update *dockerfile.SimpleCommand
		cleaned := false
		for _, cmd := range in.Commands() {
			c := cmd.Unwrap()
			switch c.Name() {
			case "apt-get", "apt":
				switch sub, _ := cliSubcommand(c, aptGetValueOpts); sub {
				case "update":
					if update == nil {
						update = cmd
					}
				case "distclean", "dist-clean":
					cleaned = true
				}
			case "rm":
				cleaned = cleaned || rmDeletesUnder(c, "/var/lib/apt/lists")
			}
		}
		if update != nil && !cleaned {
			ctx.ReportCommand(in, update, "The apt lists stay in this layer; end the RUN with rm -rf /var/lib/apt/lists/*")
		}
	}
}
