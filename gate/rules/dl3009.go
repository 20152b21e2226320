package rules

import (
	"strings"

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
	Differences: "Like hadolint, only the stages whose layers become the image are checked (the target and " +
		"the stages it is built `FROM`), and every ONBUILD RUN. hadolint accepts any `rm` with `-rf` or " +
		"`/var/lib/apt/lists/*` as the clean-up (`rm -rf /tmp/x` too) and a cache mount only on " +
		"`/var/lib/apt/lists`, or on `/var/lib/apt` and `/var/cache/apt` together; here the `rm` must delete " +
		"the lists (`rm -fr`, `rm -r -f`, `rm -rf /var/lib/apt/lists` all do). A RUN with a cache or tmpfs mount on `/var/lib/apt/lists` (or `/var/lib/apt`) " +
		"does not fire, `apt update` and `sudo apt-get update` count like `apt-get update`, and `apt-get distclean` " +
		"counts as cleaning. `compat: hadolint` restores hadolint's matching.",
	Equivalents: Equivalents{Hadolint: []string{"DL3009"}, Dockle: []string{"DKL-DI-0005"}},
	Check:       checkDL3009,
}

// imageLayersDifference explains why image-size rules skip build stages.
const imageLayersDifference = "Only the stages whose layers become the image are checked (the target and the stages " +
	"it is built `FROM`): what a build stage leaves behind is discarded with it, while hadolint reports every stage."

func checkDL3009(ctx *Context) {
	// hadolint scopes DL3009 to the image too, so compat keeps the scope;
	// ONBUILD RUN triggers run in downstream images and count everywhere.
	for _, in := range imageChainAndTriggerRuns(ctx) {
		if ctx.Compat() {
			if !hadolintAptCacheMounted(in) && hadolintForgotAptCleanup(ctx.RunCommands(in)) {
				ctx.Report(in, "The apt lists stay in this layer; end the RUN with rm -rf /var/lib/apt/lists/*")
			}
			continue
		}
		if cacheMountCovers(in, "/var/lib/apt/lists") {
			continue
		}
		var update *dockerfile.SimpleCommand
		cleaned := false
		for _, cmd := range ctx.RunCommands(in) {
			c := ctx.Unwrap(cmd)
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

// hadolintForgotAptCleanup is hadolint's test: an "apt-get" command with an
// "update" argument, and no "rm" with "-rf" or "/var/lib/apt/lists/*".
func hadolintForgotAptCleanup(cmds []*dockerfile.SimpleCommand) bool {
	update, clean := false, false
	for _, cmd := range cmds {
		update = update || hadolintHasArgs(cmd, "apt-get", "update")
		clean = clean || hadolintHasArgs(cmd, "rm", "-rf", "/var/lib/apt/lists/*")
	}
	return update && !clean
}

// hadolintAptCacheMounted is hadolint's cache-mount exception: a cache
// mount at or below /var/lib/apt/lists, or at /var/lib/apt and
// /var/cache/apt both.
func hadolintAptCacheMounted(in *dockerfile.Instruction) bool {
	has := func(dir string) bool {
		for _, t := range cacheMountTargets(in) {
			if strings.HasPrefix(t, dir) {
				return true
			}
		}
		return false
	}
	return has("/var/lib/apt/lists") || has("/var/lib/apt") && has("/var/cache/apt")
}
