package rules

import (
	"path"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
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
		if mountKeepsOut(in, "/var/lib/apt/lists") {
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
				cleaned = cleaned || rmUnder(c, "/var/lib/apt/lists")
			}
		}
		if update != nil && !cleaned {
			ctx.ReportCommand(in, update, "The apt lists stay in this layer; end the RUN with rm -rf /var/lib/apt/lists/*")
		}
	}
}

// imageLayerRuns returns the RUN instructions whose layers end up in the
// image: those of the target and of the stages it is built FROM.
func imageLayerRuns(ctx *Context) []*dockerfile.Instruction {
	var out []*dockerfile.Instruction
	for _, s := range imageLayerStages(ctx) {
		for _, in := range s.Instructions {
			if in.Kind == dockerfile.KindRun {
				out = append(out, in)
			}
		}
	}
	return out
}

// imageLayerStages are the target and the stages it is built FROM, base
// first; COPY --from sources are not among them, only their copied files.
func imageLayerStages(ctx *Context) []*dockerfile.Stage {
	var out []*dockerfile.Stage
	for s := ctx.Target(); s != nil; s = s.BaseStage {
		out = append([]*dockerfile.Stage{s}, out...)
	}
	return out
}

// mountKeepsOut reports whether the RUN mounts a cache or tmpfs at dir,
// or at a directory containing it, so what is written there never reaches
// the layer.
func mountKeepsOut(in *dockerfile.Instruction, dirs ...string) bool {
	run := in.Run()
	if run == nil {
		return false
	}
	for _, m := range instructions.GetMounts(run) {
		if m.Type != instructions.MountTypeCache && m.Type != instructions.MountTypeTmpfs {
			continue
		}
		t := path.Clean(m.Target)
		for _, d := range dirs {
			if t == d || strings.HasPrefix(d, t+"/") {
				return true
			}
		}
	}
	return false
}

// rmUnder reports whether an rm command deletes dir, its contents or a
// directory holding it ("rm -rf /var/lib/apt/lists/*", "rm -r /var/lib/apt").
func rmUnder(c *dockerfile.SimpleCommand, dir string) bool {
	for _, w := range c.Args[min(1, len(c.Args)):] {
		p := path.Clean(strings.TrimSuffix(w.Value, "*"))
		if p == dir || p != "/" && strings.HasPrefix(dir, p+"/") {
			return true
		}
	}
	return false
}
