package rules

import (
	"slices"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3040: dnf install without dnf clean all.
var DL3040 = Rule{
	ID:       "DL3040",
	Name:     "dnf-clean-all",
	Severity: Warning,
	Summary:  "Run dnf clean all in the same RUN as dnf install.",
	Why: "dnf keeps downloaded packages and repository metadata in `/var/cache/dnf`; only the RUN that filled " +
		"the cache can keep it out of its layer. End that RUN with `dnf clean all` (or mount the cache " +
		"directory with `--mount=type=cache`).",
	Bad:  "FROM fedora:40\nRUN dnf install -y httpd-2.4.62\n",
	Good: "FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n",
	Differences: diffImageStagesOnly + " hadolint accepts any `dnf` command with a `clean` or `all` argument " +
		"after the install (`dnf clean packages` too) and any `rm` with `-rf` or `/var/cache/yum/*` (`rm -rf /tmp/x` " +
		"too); here the clean must be `clean all` (or `rm` of `/var/cache/dnf`, `/var/cache/yum` or " +
		"`/var/cache/libdnf5`), by the same tool (`dnf`, `dnf5` and `yum` are one program; `microdnf` is another), " +
		"after the last install. `dnf5`, `sudo dnf` and the short form `dnf in` are checked too; `groupinstall` " +
		"and `module install` fill the same cache, and a cache mount on `/var/cache/dnf` does not fire. " +
		"`compat: hadolint` restores hadolint's matching.",
	Equivalents: Equivalents{Hadolint: []string{"DL3040"}, Trivy: []string{"DS019"}},
	Check:       checkDL3040,
}

// rpmFamilies group the commands that share one cache: dnf, dnf5 and yum
// are one program on dnf-based systems (yum is a link to dnf), microdnf is
// a separate tool with its own clean.
var rpmFamilies = [][]string{{"dnf", "dnf5", "yum"}, {"microdnf"}}

func checkDL3040(ctx *Context) {
	for i, family := range rpmFamilies {
		installer := family[0]
		hadolintName := []string{"dnf", "microdnf"}[i]
		reportUncleanedCaches(ctx, cacheRule{
			install: func(c *dockerfile.SimpleCommand) bool {
				return slices.Contains(family, c.Name()) && c.Name() != "yum" &&
					(firstNonOptionIs(c, yumOptsWithValue, "install", "in", "groupinstall", "localinstall", "reinstall") || isDNFModuleInstall(c))
			},
			clean: func(c *dockerfile.SimpleCommand) bool {
				return (c.Name() == "rm" || slices.Contains(family, c.Name())) && cleansRPMCache(c)
			},
			hadolintInstall: func(c *dockerfile.SimpleCommand) bool { return hadolintHasArgs(c, hadolintName, "install") },
			hadolintClean: func(c *dockerfile.SimpleCommand) bool {
				return hadolintHasArgs(c, hadolintName, "clean", "all") || hadolintHasArgs(c, "rm", "-rf", "/var/cache/yum/*")
			},
			cacheDirs: []string{"/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5"},
			message:   installer + " install leaves its cache in the layer; end this RUN with " + installer + " clean all",
		})
	}
}
