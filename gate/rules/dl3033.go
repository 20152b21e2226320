package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3033: yum install without versions.
var DL3033 = Rule{
	ID:       "DL3033",
	Name:     "yum-pin",
	Severity: Warning,
	Summary:  "Specify versions with yum install -y <package>-<version>.",
	Why: "Without a version, `yum install` takes whatever the repository serves on the day of the build, " +
		"so two builds of the same Dockerfile can ship different software. Name the version you tested " +
		"(`httpd-2.4.6`), or `name:stream` for `yum module install`.",
	Bad:  "FROM centos:7.9.2009\nRUN yum install -y httpd && yum clean all\n",
	Good: "FROM centos:7.9.2009\nRUN yum install -y httpd-2.4.6 && yum clean all\n",
	Differences: diffShippedStagesOnly + " hadolint takes any hyphen as a version (`python3-pip` counts as pinned); " +
		"here a version is a hyphen-separated part that starts with a digit (`httpd-2.4.6`, `pkg-1:2.3-4.el7`). " +
		"Local and remote `.rpm` files, `@group` names and nonOptionArgs that depend on an unknown ARG are not reported.",
	Equivalents: Equivalents{Hadolint: []string{"DL3033"}},
	Check:       checkDL3033,
}

// diffShippedStagesOnly explains why build rules skip unused stages.
const diffShippedStagesOnly = "Only stages that take part in building the target are checked; a stage that " +
	"`docker build` never runs for this target cannot affect the image (hadolint, and `compat: hadolint`, " +
	"check every stage)."

func checkDL3033(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		c := ctx.Unwrap(cmd)
		if c.Name() != "yum" {
			continue
		}
		if bad := rpmOperandsWithoutVersion(c, yumOptsWithValue); len(bad) > 0 {
			ctx.ReportCommand(in, cmd, "yum installs %s without a version; use <package>-<version>", strings.Join(bad, ", "))
		}
	}
}

// rpmOperandsWithoutVersion returns the packages of "yum|dnf install" (or module
// install) that name no version.
func rpmOperandsWithoutVersion(c *dockerfile.SimpleCommand, valueOpts map[string]bool) []string {
	ops := cliOperands(c, valueOpts)
	if len(ops) < 2 {
		return nil
	}
	var bad []string
	switch ops[0].Value {
	case "install", "in", "groupinstall", "reinstall":
		for _, p := range ops[1:] {
			if p.Literal && !rpmOperandHasVersion(p.Value) {
				bad = append(bad, p.Value)
			}
		}
	case "module":
		if ops[1].Value != "install" && ops[1].Value != "enable" {
			return nil
		}
		for _, p := range ops[2:] {
			if p.Literal && !strings.Contains(p.Value, ":") {
				bad = append(bad, p.Value)
			}
		}
	}
	return bad
}

// rpmOperandHasVersion reports whether an install operand fixes a version: a
// hyphen-separated part that starts with a digit ("httpd-2.4.6"), or a
// file, URL, group or provide that cannot carry one.
func rpmOperandHasVersion(pkg string) bool {
	if strings.HasSuffix(pkg, ".rpm") || strings.ContainsAny(pkg, "/@()") || pkg == "" {
		return true
	}
	parts := strings.Split(pkg, "-")
	for _, p := range parts[1:] {
		if p != "" && p[0] >= '0' && p[0] <= '9' {
			return true
		}
	}
	return false
}
