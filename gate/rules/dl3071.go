package rules

import (
	"path"
	"slices"
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
	Bad:  "FROM maven:3.9-eclipse-temurin-21\nWORKDIR /src\nCOPY pom.xml .\nRUN mvn -B dependency:resolve\n",
	Good: "FROM maven:3.9-eclipse-temurin-21\nWORKDIR /src\nCOPY pom.xml .\nRUN --mount=type=cache,target=/root/.m2 mvn -B dependency:resolve\n",
	Differences: toolCacheMountDifferences("`mvn` with `install`, `compile`, `package`, `test`, `verify`, `deploy` or "+
		"`dependency:resolve` among its arguments", "`mvn` and the `mvnw` wrapper with any phase or goal count "+
		"(`mvn dependency:go-offline` and `mvn clean` download plugins into `~/.m2` too; `mvn --version` does not)", "`.m2`", ""),
	Equivalents: Equivalents{Hadolint: []string{"DL3071"}},
	Check: func(ctx *Context) {
		checkToolCacheMount(ctx, toolCacheMount{
			uses: func(c *dockerfile.SimpleCommand) bool {
				return (c.Name() == "mvn" || c.Name() == "mvnw") && len(cliOperands(c, mavenOptsWithValue)) > 0
			},
			usesCompat: func(c *dockerfile.SimpleCommand) bool {
				return hadolintHasArgs(c, "mvn", "install", "compile", "package", "test", "verify", "deploy", "dependency:resolve")
			},
			fragments: []string{".m2"},
			message:   "mvn fills the local Maven repository in this layer; add --mount=type=cache,target=/root/.m2 to the RUN",
		})
	},
}

var mavenOptsWithValue = flagSet("-f", "--file", "-s", "--settings", "-gs", "--global-settings", "-P",
	"--activate-profiles", "-pl", "--projects", "-rf", "--resume-from", "-T", "--threads", "-l", "--log-file",
	"-t", "--toolchains", "-b", "--builder", "-D", "--define")

// toolCacheMount describes one of hadolint 2.15's "use a BuildKit cache
// mount for TOOL" rules (DL3071-DL3077 share one shape).
type toolCacheMount struct {
	// uses reports whether a command fills the tool's download cache, as
	// crank reads the tool's command line; usesCompat as hadolint does
	// (Shell.cmdHasArgs: one of the listed words anywhere among the
	// arguments), for compat: hadolint.
	uses, usesCompat func(*dockerfile.SimpleCommand) bool
	// fragments: a cache or tmpfs mount whose target contains one of them
	// keeps the cache out of the layer (hadolint's isInfixOf test).
	fragments []string
	// envDirs are variables that move the cache (GRADLE_USER_HOME, ...);
	// a mount at or above their value counts too.
	envDirs []string
	message string
}

// toolCacheMountDifferences is the Differences text the rules share.
func toolCacheMountDifferences(matches, crankMatches, fragments, envs string) string {
	d := "As in hadolint, a RUN fires when it runs " + matches + " and has no `--mount=type=cache` or " +
		"`type=tmpfs` whose target contains " + fragments + "; ONBUILD RUN triggers are checked too. Here " +
		crankMatches + ", commands behind `sudo`/`env`, in `sh -c` strings and in heredocs count, the finding " +
		"points at the command, and only stages that take part in building the target are checked."
	if envs != "" {
		d += " A cache mount at or above the directory named by " + envs + " (when its value is known at that " +
			"RUN) also counts, since the tool then caches there."
	}
	return d + " `compat: hadolint` restores hadolint's matching and checks every stage."
}

// checkToolCacheMount reports each RUN (or ONBUILD RUN) that runs the
// tool without a cache mount on its cache, once, at the first such command.
func checkToolCacheMount(ctx *Context, spec toolCacheMount) {
	uses := spec.uses
	if ctx.Compat() {
		uses = spec.usesCompat
	}
	for _, in := range ctx.File.Instructions {
		switch {
		case in.Trigger == dockerfile.KindRun:
		case in.Kind == dockerfile.KindRun && in.Stage != nil && (in.Stage.ReachesTarget || ctx.Compat()):
		default:
			continue
		}
		var first *dockerfile.SimpleCommand
		for _, cmd := range ctx.RunCommands(in) {
			if uses(ctx.Unwrap(cmd)) {
				first = cmd
				break
			}
		}
		if first == nil || toolCacheMounted(ctx, in, spec) {
			continue
		}
		ctx.ReportCommand(in, first, "%s", spec.message)
	}
}

func toolCacheMounted(ctx *Context, in *dockerfile.Instruction, spec toolCacheMount) bool {
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

// firstOperandIn reports whether the command is one of names and its
// first operand one of subs; a bare command (no operand) counts when
// bareToo is set (plain "bundle" runs "bundle install").
func firstOperandIn(c *dockerfile.SimpleCommand, names []string, valueOpts map[string]bool, bareToo bool, subs ...string) bool {
	if !slices.Contains(names, c.Name()) {
		return false
	}
	ops := cliOperands(c, valueOpts)
	if len(ops) == 0 {
		return bareToo
	}
	return slices.Contains(subs, ops[0].Value)
}
