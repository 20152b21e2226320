package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3019: apk add without --no-cache.
var DL3019 = Rule{
	ID:       "DL3019",
	Name:     "apk-no-cache",
	Severity: Info,
	Summary:  "Use the --no-cache switch to avoid the need to use --update and remove /var/cache/apk/*.",
	Why: "`apk add` without `--no-cache` keeps the package index in `/var/cache/apk`, a few megabytes of " +
		"stale data in the layer. `apk add --no-cache` fetches a fresh index, uses it and leaves nothing " +
		"behind, which also makes a separate `apk update` unnecessary.",
	Bad:  "FROM alpine:3.20\nRUN apk add curl=8.11.1-r0\n",
	Good: "FROM alpine:3.20\nRUN apk add --no-cache curl=8.11.1-r0\n",
	Differences: "A RUN that mounts a cache or tmpfs on `/var/cache/apk` (or `/etc/apk/cache`), or that removes " +
		"`/var/cache/apk/*` itself, does not fire. " + imageLayersDifference +
		" `compat: hadolint` checks every stage.",
	Equivalents: Equivalents{Hadolint: []string{"DL3019"}, Trivy: []string{"DS025"}, Dockle: []string{"DKL-DI-0004"}},
	Check:       checkDL3019,
}

func checkDL3019(ctx *Context) {
	for _, in := range imageLayerRuns(ctx) {
		if cacheMountCovers(in, "/var/cache/apk", "/etc/apk/cache") {
			continue
		}
		var adds []*dockerfile.SimpleCommand
		cleaned := false
		for _, cmd := range ctx.RunCommands(in) {
			c := ctx.Unwrap(cmd)
			switch c.Name() {
			case "apk":
				if sub, _ := cliSubcommand(c, apkValueOpts); sub == "add" && !cliHasUnknown(c) && !cliHasOption(c, "", "", "--no-cache") {
					adds = append(adds, cmd)
				}
			case "rm":
				cleaned = cleaned || rmDeletesUnder(c, "/var/cache/apk")
			}
		}
		if cleaned {
			continue
		}
		for _, cmd := range adds {
			ctx.ReportCommand(in, cmd, "apk add keeps its index in /var/cache/apk; use apk add --no-cache")
		}
	}
}
