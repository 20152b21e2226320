package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3036: zypper install without zypper clean.
var DL3036 = Rule{
	ID:       "DL3036",
	Name:     "zypper-clean",
	Severity: Warning,
	Summary:  "Run zypper clean in the same RUN as zypper install.",
	Why: "zypper keeps downloaded packages and metadata in `/var/cache/zypp`. Only the RUN that filled the " +
		"cache can keep it out of its layer, so end that RUN with `zypper clean` (or mount the cache directory " +
		"with `--mount=type=cache`).",
	Bad:  "FROM opensuse/leap:15.6\nRUN zypper -n install curl-8.6.0\n",
	Good: "FROM opensuse/leap:15.6\nRUN zypper -n install curl-8.6.0 && zypper clean -a\n",
	Differences: diffImageStagesOnly + " As in hadolint, `zypper clean` and `zypper cc` after the install count; " +
		"here `rm -rf /var/cache/zypp` counts too, `patch`, `update`/`up` and `source-install`/`si` fill the cache " +
		"like `install`/`in`, the clean must follow the last of them, and a cache mount on `/var/cache/zypp` does " +
		"not fire. `compat: hadolint` restores hadolint's matching.",
	Equivalents: Equivalents{Hadolint: []string{"DL3036"}, Trivy: []string{"DS020"}},
	Check:       checkDL3036,
}

func checkDL3036(ctx *Context) {
	reportUncleanedCaches(ctx, cacheRule{
		install: func(c *dockerfile.SimpleCommand) bool {
			return c.Name() == "zypper" && firstNonOptionIs(c, zypperOptsWithValue, "install", "in", "source-install", "si", "patch", "update", "up")
		},
		clean: func(c *dockerfile.SimpleCommand) bool {
			switch c.Name() {
			case "zypper":
				return firstNonOptionIs(c, zypperOptsWithValue, "clean", "cc")
			case "rm":
				return rmDeletesUnder(c, "/var/cache/zypp")
			}
			return false
		},
		hadolintInstall: func(c *dockerfile.SimpleCommand) bool { return hadolintHasArgs(c, "zypper", "install", "in") },
		hadolintClean:   func(c *dockerfile.SimpleCommand) bool { return hadolintHasArgs(c, "zypper", "clean", "cc") },
		cacheDirs:       []string{"/var/cache/zypp"},
		message:         "zypper leaves its cache in the layer; end this RUN with zypper clean",
	})
}
