package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3007: FROM with the latest tag.
var DL3007 = Rule{
	ID:       "DL3007",
	Name:     "from-latest",
	Severity: Warning,
	Summary:  "Do not use the latest tag; pin the version of the base image explicitly.",
	Why: "`latest` is just the tag a publisher moved most recently: the same Dockerfile builds different " +
		"images on different days, a rebuild can pick up a major upgrade, and nobody can tell which version " +
		"was tested. Name a release tag (`node:22.11-slim`), or better pin the digest (CG1001).",
	Bad:  "FROM node:latest\nUSER 1000\n",
	Good: "FROM node:22.11-slim\nUSER 1000\n",
	Differences: "hadolint (DL3007.hs) fires when the tag as written is `latest`, with or without a digest, and " +
		"expands no ARG. crank expands ARGs first (`FROM node:${TAG}` fires when TAG is `latest`) and " +
		"does not fire on a base pinned by digest (`img:latest@sha256:...`), which is immutable " +
		"whatever the tag says. References to earlier stages are never images. Like DL3006 and " +
		"hadolint, every stage is checked: the base of a build stage decides what is compiled into the " +
		"image too. `compat: hadolint` compares the tag as written, digest or not.",
	Equivalents: Equivalents{Hadolint: []string{"DL3007"}, Trivy: []string{"DS001"}, Dockle: []string{"DKL-DI-0006"}},
	Check:       checkDL3007,
}

func checkDL3007(ctx *Context) {
	for _, s := range ctx.File.Stages {
		ref := s.BaseRef
		if ctx.Compat() {
			// hadolint (DL3007.hs) compares the tag as written with
			// "latest", digest or not, and expands no ARG.
			if raw := dockerfile.ParseImageRef(s.BaseRaw); raw.Tag == "latest" {
				ctx.Report(s.From, "Image %q uses the latest tag; pin a release such as %s:<version>", s.BaseRaw, raw.Repository)
			}
			continue
		}
		if s.BaseStage != nil || ref.Unresolved || ref.Digest != "" || ref.Tag != "latest" {
			continue
		}
		ctx.Report(s.From, "Image %q uses the latest tag; pin a release such as %s:<version>", s.Base, ref.Repository)
	}
}
