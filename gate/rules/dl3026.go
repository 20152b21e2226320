package rules

import (
	"strings"
)

// DL3026: FROM an image outside the trusted registries.
var DL3026 = Rule{
	ID:       "DL3026",
	Name:     "from-allowed-registry",
	Severity: Error,
	Summary:  "Use only an allowed registry in the FROM image.",
	Why: "Every base image runs with the image's privileges and ends up in production; pulling from an " +
		"arbitrary registry bypasses the scanning, signing and mirroring your organisation applies to the " +
		"registries it trusts. List those in `trusted-registries` (or hadolint's `trustedRegistries`) and " +
		"mirror anything else into one of them.",
	Bad:  "FROM quay.io/example/app:1.0\nUSER 1000\n",
	Good: "FROM docker.io/library/debian:12.7-slim\nUSER 1000\n",
	Differences: "Off until `trusted-registries` (or hadolint's `trustedRegistries`) is configured; then it runs, as in " +
		"hadolint, so findings carry hadolint's id (CG1002 makes the same check for `FROM` and also covers " +
		"`COPY --from` images). `--only DL3026` or a severity override enables it without a list. Patterns take wildcards " +
		"(`*.gcr.io` is one DNS label, `**.gcr.io` any depth), as in CG1002; enabled without a list, only Docker Hub (`docker.io`) is trusted. Images without a registry are Docker Hub's; `docker.io`, `index.docker.io` and " +
		"`registry-1.docker.io` are one registry. The image is ARG-expanded first, stage references and `scratch` " +
		"never fire, and a base that depends on an ARG without a known value is skipped.",
	Equivalents:  Equivalents{Hadolint: []string{"DL3026"}},
	OffByDefault: true,
	EnabledBy:    trustedRegistriesSet,
	Check:        checkDL3026,
}

func checkDL3026(ctx *Context) {
	trusted := ctx.Config.TrustedRegistries
	if len(trusted) == 0 {
		trusted = []string{"docker.io"}
	}
	for _, s := range ctx.File.Stages {
		ref := s.BaseRef
		if s.BaseStage != nil || ref.Unresolved || ref.Scratch {
			continue
		}
		if !registryTrusted(trusted, ref) {
			ctx.Report(s.From, "Registry %s is not among the trusted registries (%s); use an image from a trusted registry", ref.Registry, strings.Join(trusted, ", "))
		}
	}
}
