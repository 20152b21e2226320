package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3072: Gradle without a cache mount for the Gradle user home.
var DL3072 = Rule{
	ID:       "DL3072",
	Name:     "gradle-cache-mount",
	Severity: Info,
	Summary:  "Mount a BuildKit cache at ~/.gradle for RUNs that run Gradle.",
	Why: "Gradle (and the `gradlew` wrapper) downloads itself, its plugins and every dependency into the Gradle " +
		"user home, `~/.gradle`. Without a cache mount all of that is baked into the layer, bloating the image, " +
		"and every rebuild downloads it again. Use `RUN --mount=type=cache,target=/root/.gradle ./gradlew build`.",
	Bad:  "FROM gradle:8.10-jdk21\nWORKDIR /src\nCOPY . .\nRUN gradle build --no-daemon\n",
	Good: "FROM gradle:8.10-jdk21\nWORKDIR /src\nCOPY . .\nRUN --mount=type=cache,target=/root/.gradle gradle build --no-daemon\n",
	Differences: toolCacheMountDifferences("`gradle`, `gradlew` or a path ending in `/gradlew` (any arguments)",
		"`gradle` given by its path (`/opt/gradle/bin/gradle`) counts too", "`.gradle`", "`GRADLE_USER_HOME`"),
	Equivalents: Equivalents{Hadolint: []string{"DL3072"}},
	Check: func(ctx *Context) {
		checkToolCacheMount(ctx, toolCacheMount{
			// Name is the base name, so ./gradlew and /opt/gradle/bin/gradle match.
			uses: func(c *dockerfile.SimpleCommand) bool { return c.Name() == "gradle" || c.Name() == "gradlew" },
			// Under compat a path has no name; hadolint matches the word
			// ending in /gradlew.
			usesCompat: func(c *dockerfile.SimpleCommand) bool {
				n := c.Name()
				return n == "gradle" || n == "gradlew" || len(c.Args) > 0 && strings.HasSuffix(c.Args[0].Value, "/gradlew")
			},
			fragments: []string{".gradle"},
			envDirs:   []string{"GRADLE_USER_HOME"},
			message:   "Gradle fills its dependency cache in this layer; add --mount=type=cache,target=/root/.gradle to the RUN",
		})
	},
}
