package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

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
	Differences: diffImageStagesOnly + " `dnf5` and `microdnf` are checked like `dnf`; `rm -rf /var/cache/dnf` " +
		"also counts, and a cache mount on `/var/cache/dnf` does not fire.",
	Equivalents: Equivalents{Hadolint: []string{"DL3040"}, Trivy: []string{"DS019"}},
	Check:       checkDL3040,
}

func checkDL3040(ctx *Context) {
	reportUncleanedCaches(ctx, cacheRule{
		install: func(c *dockerfile.SimpleCommand) bool {
			return isDNFCommand(c) && (firstNonOptionIs(c, yumOptsWithValue, "install", "in", "groupinstall", "localinstall", "reinstall") || isDNFModuleInstall(c))
		},
		clean:     cleansRPMCache,
		cacheDirs: []string{"/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5"},
		message:   "dnf install leaves its cache in the layer; end this RUN with dnf clean all",
	})
}
