package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL4001: both wget and curl.
var DL4001 = Rule{
	ID:       "DL4001",
	Name:     "wget-and-curl",
	Severity: Warning,
	Summary:  "Either use wget or curl, but not both.",
	Why: "Two download tools do the same job: installing both makes the image bigger and doubles the code " +
		"that needs security updates, and mixing their option sets makes scripts harder to review. Pick one.",
	Bad:  "FROM debian:12.7-slim\nRUN curl -fsSLO https://example.com/a.tgz\nRUN wget -q https://example.com/b.tgz\n",
	Good: "FROM debian:12.7-slim\nRUN curl -fsSLO https://example.com/a.tgz\nRUN curl -fsSLO https://example.com/b.tgz\n",
	Differences: "Counted per stage, among the stages built for the target: a build stage that uses wget and a " +
		"final stage that uses curl do not put both tools in one image (hadolint counts the whole file). The " +
		"first use of the second tool is reported, once per stage (hadolint reports every later RUN that uses " +
		"either). ONBUILD RUN triggers count, as in hadolint. `compat: hadolint` counts every stage and reports " +
		"like hadolint.",
	Equivalents: Equivalents{Hadolint: []string{"DL4001"}, Trivy: []string{"DS014"}},
	Check:       checkDL4001,
}

func checkDL4001(ctx *Context) {
	if ctx.Compat() {
		checkDL4001Hadolint(ctx)
		return
	}
	for _, s := range ctx.ShippedStages() {
		seen := map[string]bool{}
	stage:
		for _, in := range s.Instructions {
			if in.Kind != dockerfile.KindRun && in.Trigger != dockerfile.KindRun {
				continue
			}
			for _, cmd := range ctx.RunCommands(in) {
				name := ctx.Unwrap(cmd).Name()
				if name != "curl" && name != "wget" {
					continue
				}
				seen[name] = true
				if seen["curl"] && seen["wget"] {
					other := map[string]string{"curl": "wget", "wget": "curl"}[name]
					ctx.ReportCommand(in, cmd, "This stage uses both %s and %s; use %s here too", other, name, other)
					break stage
				}
			}
		}
	}
}

// checkDL4001Hadolint is hadolint's count: per stage, every RUN (ONBUILD
// RUN too) that uses curl or wget once both have been seen.
func checkDL4001Hadolint(ctx *Context) {
	for _, s := range ctx.File.Stages {
		seen := map[string]bool{}
		for _, in := range s.Instructions {
			if in.Kind != dockerfile.KindRun && in.Trigger != dockerfile.KindRun {
				continue
			}
			uses := false
			for _, cmd := range ctx.RunCommands(in) {
				if n := cmd.Name(); n == "curl" || n == "wget" {
					seen[n], uses = true, true
				}
			}
			if uses && seen["curl"] && seen["wget"] {
				ctx.Report(in, "This stage uses both curl and wget; use one of them")
			}
		}
	}
}
