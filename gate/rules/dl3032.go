package rules

import (
	"slices"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3032: yum install without yum clean all.
var DL3032 = Rule{
	ID:       "DL3032",
	Name:     "yum-clean-all",
	Severity: Warning,
	Summary:  "Run yum clean all in the same RUN as yum install.",
	Why: "`yum install` leaves downloaded packages and repository metadata in `/var/cache/yum`. A later " +
		"RUN cannot remove them from the layer that wrote them, so the image carries tens of megabytes of " +
		"cache for ever. End the same RUN with `yum clean all` (or mount `/var/cache/yum` as a cache).",
	Bad:  "FROM centos:7.9.2009\nRUN yum install -y httpd-2.4.6\n",
	Good: "FROM centos:7.9.2009\nRUN yum install -y httpd-2.4.6 && yum clean all\n",
	Differences: diffImageStagesOnly + " As in hadolint, `yum clean all` or `rm -rf /var/cache/yum/*` after the " +
		"install count; here `dnf clean all` (yum is dnf on current systems) and any `rm` of `/var/cache/yum` count " +
		"too, `groupinstall`, `localinstall` and `sudo yum` are checked, the clean must follow the last install, and " +
		"a RUN that mounts a cache (`--mount=type=cache`) on `/var/cache/yum` does not fire. hadolint accepts any " +
		"`yum` command with a `clean` or `all` argument; `compat: hadolint` restores its matching.",
	Equivalents: Equivalents{Hadolint: []string{"DL3032"}, Trivy: []string{"DS015"}},
	Check:       checkDL3032,
}

// diffImageStagesOnly explains why cleanup rules skip build stages.
const diffImageStagesOnly = "Only the stages whose layers become the image (the target and the stages it is built " +
	"`FROM`) are checked: a package cache left in a build stage is discarded with it, while hadolint reports every stage."

var yumOptsWithValue = flagSet("-c", "--config", "-d", "--debuglevel", "-e", "--errorlevel", "-R", "--randomwait",
	"-x", "--exclude", "--installroot", "--enablerepo", "--disablerepo", "--setopt", "--releasever", "--downloaddir")

func checkDL3032(ctx *Context) {
	reportUncleanedCaches(ctx, cacheRule{
		install: func(c *dockerfile.SimpleCommand) bool {
			return c.Name() == "yum" && firstNonOptionIs(c, yumOptsWithValue, "install", "groupinstall", "localinstall")
		},
		clean:           cleansRPMCache,
		hadolintInstall: func(c *dockerfile.SimpleCommand) bool { return hadolintHasArgs(c, "yum", "install") },
		hadolintClean: func(c *dockerfile.SimpleCommand) bool {
			return hadolintHasArgs(c, "yum", "clean", "all") || hadolintHasArgs(c, "rm", "-rf", "/var/cache/yum/*")
		},
		cacheDirs: []string{"/var/cache/yum", "/var/cache/dnf"},
		message:   "yum install leaves its cache in the layer; end this RUN with yum clean all",
	})
}

// cleansRPMCache recognises "yum/dnf/microdnf clean all" and removing the
// package caches by hand.
func cleansRPMCache(c *dockerfile.SimpleCommand) bool {
	switch c.Name() {
	case "yum", "dnf", "dnf5", "microdnf":
		return firstNonOptionIs(c, yumOptsWithValue, "clean") && c.HasArg("all")
	case "rm":
		return rmDeletesUnder(c, "/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5")
	}
	return false
}

// cacheRule describes a "package manager leaves a cache" rule: a RUN
// that installs must also clean, or keep the cache outside the layer.
// hadolintInstall and hadolintClean, when set, are hadolint's narrower
// spellings, used under compat: hadolint.
type cacheRule struct {
	install, clean                 func(c *dockerfile.SimpleCommand) bool
	hadolintInstall, hadolintClean func(c *dockerfile.SimpleCommand) bool
	cacheDirs                      []string
	message                        string
}

// reportUncleanedCaches reports each RUN of the image stages (and every
// ONBUILD RUN, which runs in the images built from this one) that installs
// without cleaning afterwards; cleaning in another RUN does not help, the
// layer is written, and cleaning before the install cleans nothing.
func reportUncleanedCaches(ctx *Context, spec cacheRule) {
	install, clean := spec.install, spec.clean
	if ctx.Compat() {
		if spec.hadolintInstall != nil {
			install = spec.hadolintInstall
		}
		if spec.hadolintClean != nil {
			clean = spec.hadolintClean
		}
	}
	for _, in := range layerRuns(ctx) {
		if cacheMountCovers(in, spec.cacheDirs...) {
			continue
		}
		if cmd := installNotCleaned(ctx, ctx.RunCommands(in), install, clean, ctx.Compat()); cmd != nil {
			ctx.ReportCommand(in, cmd, "%s", spec.message)
		}
	}
}

// installNotCleaned returns the install command a RUN leaves uncleaned, or
// nil. crank asks for a clean after the last install; hadolint (compat)
// compares the first install with the first clean.
func installNotCleaned(ctx *Context, cmds []*dockerfile.SimpleCommand, install, clean func(*dockerfile.SimpleCommand) bool, compat bool) *dockerfile.SimpleCommand {
	var first, pending *dockerfile.SimpleCommand
	firstInstall, firstClean := -1, -1
	for i, cmd := range cmds {
		c := ctx.Unwrap(cmd)
		switch {
		case install(c):
			if first == nil {
				first, firstInstall = cmd, i
			}
			if pending == nil {
				pending = cmd
			}
		case clean(c):
			if firstClean < 0 {
				firstClean = i
			}
			pending = nil
		}
	}
	if compat {
		if first != nil && (firstClean < 0 || firstClean < firstInstall) {
			return first
		}
		return nil
	}
	return pending
}

// layerRuns are the RUNs whose files end up in an image: those of
// ImageStages, plus every ONBUILD RUN trigger (of any stage: it runs in
// the downstream image, whatever this build's target).
func layerRuns(ctx *Context) []*dockerfile.Instruction {
	out := imageLayerRuns(ctx)
	for _, in := range ctx.File.Instructions {
		if in.Trigger == dockerfile.KindRun {
			out = append(out, in)
		}
	}
	return out
}

func flagSet(opts ...string) map[string]bool {
	m := make(map[string]bool, len(opts))
	for _, o := range opts {
		m[o] = true
	}
	return m
}

// firstNonOptionIs reports whether the first operand is one of subs.
func firstNonOptionIs(c *dockerfile.SimpleCommand, valueOpts map[string]bool, subs ...string) bool {
	ops := cliOperands(c, valueOpts)
	if len(ops) == 0 {
		return false
	}
	for _, s := range subs {
		if ops[0].Value == s {
			return true
		}
	}
	return false
}

// argsAfterSubcommand returns the nonOptionArgs after the subcommand (the packages of
// "yum install -y a b").
func argsAfterSubcommand(c *dockerfile.SimpleCommand, valueOpts map[string]bool) []dockerfile.Word {
	ops := cliOperands(c, valueOpts)
	if len(ops) < 2 {
		return nil
	}
	return ops[1:]
}

// hadolintHasArgs is hadolint's Shell.cmdHasArgs: the command is name and
// at least one of its arguments is one of args (so "dnf clean all" and
// "dnf clean packages" both match name "dnf", args "clean", "all"). Rules
// use it under compat: hadolint only; crank's own checks read the
// subcommand and its operands.
func hadolintHasArgs(c *dockerfile.SimpleCommand, name string, args ...string) bool {
	if c.Name() != name {
		return false
	}
	for _, a := range c.Argv()[1:] {
		if slices.Contains(args, a) {
			return true
		}
	}
	return false
}
