package rules

import (
	"path"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3071: mvn without a cache mount for the local Maven repository.
var DL3071 = Rule{
	ID:       "DL3071",
	Name:     "maven-cache-mount",
	Severity: Info,
	Summary:  "Mount a BuildKit cache at ~/.m2 for RUNs that run Maven builds.",
	Why: "`mvn package` (and install, compile, test, verify, deploy, dependency:resolve) downloads every " +
		"dependency into the local repository `~/.m2/repository`. Without a cache mount that repository is " +
		"baked into the layer, bloating the image, and every rebuild downloads it again. Use " +
		"`RUN --mount=type=cache,target=/root/.m2 mvn ...`.",
	Bad:         "FROM maven:3.9-eclipse-temurin-21\nWORKDIR /src\nCOPY pom.xml .\nRUN mvn -B dependency:resolve\n",
	Good:        "FROM maven:3.9-eclipse-temurin-21\nWORKDIR /src\nCOPY pom.xml .\nRUN --mount=type=cache,target=/root/.m2 mvn -B dependency:resolve\n",
	Differences: cacheMountDifferences("`mvn` with one of hadolint's goals among its arguments", "`.m2`", ""),
	Equivalents: Equivalents{Hadolint: []string{"DL3071"}},
	Check: func(ctx *Context) {
		checkCacheMount(ctx, cacheMountSpec{
			uses: func(c *dockerfile.SimpleCommand) bool {
				return hadolintHasArgs(c, "mvn", "install", "compile", "package", "test", "verify", "deploy", "dependency:resolve")
			},
			fragments: []string{".m2"},
			message:   "mvn fills the local Maven repository in this layer; add --mount=type=cache,target=/root/.m2 to the RUN",
		})
	},
}

// cacheMountSpec describes one of hadolint 2.15's "use a BuildKit cache
// mount for TOOL" rules (DL3069-DL3077 share one shape).
type cacheMountSpec struct {
	// uses reports whether a command fills the tool's download cache.
	uses func(*dockerfile.SimpleCommand) bool
	// fragments: a cache or tmpfs mount whose target contains one of them
	// keeps the cache out of the layer (hadolint's isInfixOf test).
	fragments []string
	// envDirs are variables that move the cache (GRADLE_USER_HOME, ...);
	// a mount at or above their value counts too.
	envDirs []string
	message string
}

// cacheMountDifferences is the Differences text the cache-mount rules share.
func cacheMountDifferences(matches, fragments, envs string) string {
	d := "As in hadolint, a RUN fires when it runs " + matches + " and has no `--mount=type=cache` or " +
		"`type=tmpfs` whose target contains " + fragments + "; ONBUILD RUN triggers are checked too, and " +
		"commands behind `sudo`/`env`, in `sh -c` strings and in heredocs count. Here the finding points at the " +
		"command, and only stages that take part in building the target are checked (hadolint, and " +
		"`compat: hadolint`, check every stage)."
	if envs != "" {
		d += " A cache mount at or above the directory named by " + envs + " (when its value is known at that " +
			"RUN) also counts, since the tool then caches there; `compat: hadolint` ignores it."
	}
	return d
}

// checkCacheMount reports each RUN (or ONBUILD RUN) that runs spec's tool
// without a cache mount on its cache, once, at the first such command.
func checkCacheMount(ctx *Context, spec cacheMountSpec) {
	for _, in := range ctx.File.Instructions {
		switch {
		case in.Trigger == dockerfile.KindRun:
		case in.Kind == dockerfile.KindRun && in.Stage != nil && (in.Stage.ReachesTarget || ctx.Compat()):
		default:
			continue
		}
		var first *dockerfile.SimpleCommand
		for _, cmd := range ctx.RunCommands(in) {
			if spec.uses(ctx.Unwrap(cmd)) {
				first = cmd
				break
			}
		}
		if first == nil || cacheMounted(ctx, in, spec) {
			continue
		}
		ctx.ReportCommand(in, first, "%s", spec.message)
	}
}

func cacheMounted(ctx *Context, in *dockerfile.Instruction, spec cacheMountSpec) bool {
	targets := cacheMountTargets(in)
	for _, t := range targets {
		for _, f := range spec.fragments {
			if strings.Contains(t, f) {
				return true
			}
		}
	}
	if ctx.Compat() {
		return false
	}
	for _, name := range spec.envDirs {
		dir, ok := in.Var(name)
		if !ok || !strings.HasPrefix(dir, "/") {
			continue
		}
		dir = path.Clean(dir)
		for _, t := range targets {
			t = path.Clean(t)
			if t == dir || strings.HasPrefix(dir, t+"/") {
				return true
			}
		}
	}
	return false
}
