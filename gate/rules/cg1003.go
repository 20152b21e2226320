package rules

import (
	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// CG1003: the image is built on a base that is not slim.
var CG1003 = Rule{
	ID:       "CG1003",
	Name:     "slim-base",
	Severity: Warning,
	Summary:  "Base the final image on a slim image (distroless, chainguard, alpine, *-slim, scratch).",
	Why: "Everything in the base image ships with your service: shells, compilers, package managers and " +
		"hundreds of libraries you never call, each one a CVE to triage and a tool for an attacker. The " +
		"platform builds in a full image and ships on a slim one: `scratch` or distroless for static " +
		"binaries, chainguard, alpine or a `-slim` variant otherwise. Copy the build output into it with " +
		"`COPY --from=build`.\n\nThe allowlist is configurable (`slim-allowlist:` in `.crank-gate.yaml`, " +
		"patterns where `*` stays within one path segment and `**` matches anything); an empty list turns " +
		"the rule off.",
	Bad: "FROM golang:1.26\nCOPY . /src\nRUN go build -o /app /src\nUSER 1000\n",
	Good: "FROM golang:1.26 AS build\nCOPY . /src\nRUN go build -o /app /src\n" +
		"FROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /app\nUSER 1000\n",
	Differences: "Only the base of the image that ships is checked: the target stage, following `FROM <stage>` " +
		"chains to the external image it starts from. Builder stages may use any image. Patterns are " +
		"matched against the full name (`docker.io/library/node:22-slim`) and the name as written " +
		"(`node:22-slim`), tag included. Bases that depend on an ARG without a known value are skipped.",
	Check: checkCG1003,
}

func checkCG1003(ctx *Context) {
	root := cgRootStage(ctx.Target())
	if root == nil || len(ctx.Config.SlimAllowlist) == 0 {
		return
	}
	ref := root.BaseRef
	if ref.Unresolved || ref.Scratch || cgSlim(ctx.Config.SlimAllowlist, ref) {
		return
	}
	ctx.Report(root.From, "The image ships on %q, which is not on the slim allowlist; build in it and copy the result into a distroless, chainguard, alpine, -slim or scratch stage", root.Base)
}

// cgRootStage follows FROM <stage> from s to the stage that starts from
// an external image; BaseStage always names an earlier stage, so the walk
// ends.
func cgRootStage(s *dockerfile.Stage) *dockerfile.Stage {
	for s != nil && s.BaseStage != nil {
		s = s.BaseStage
	}
	return s
}

func cgSlim(patterns []string, ref dockerfile.ImageRef) bool {
	short := ref.Repository
	if ref.RegistryExplicit {
		short = ref.Registry + "/" + ref.Repository
	}
	names := []string{ref.Name(), ref.Registry + "/" + ref.Repository, short}
	for _, p := range patterns {
		for _, n := range names {
			if config.Match(p, n) || ref.Tag != "" && config.Match(p, n+":"+ref.Tag) {
				return true
			}
		}
	}
	return false
}
