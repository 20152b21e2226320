package rules

import (
	"net"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// CG1002: images pulled from registries outside the trusted list.
var CG1002 = Rule{
	ID:       "CG1002",
	Name:     "trusted-registry",
	Severity: Error,
	Summary:  "Pull images only from trusted registries.",
	Why: "Every image the build pulls (FROM, `COPY --from=<image>`, `RUN --mount=from=<image>`) runs or lands " +
		"in your build, so its registry is part of your supply chain. List the registries you trust in " +
		"`.crank-gate.yaml` (`trusted-registries:`) or `.hadolint.yaml` (`trustedRegistries:`). A pattern " +
		"without `/` matches the registry host (`docker.io`, `*.example.com`, `*` is one DNS label); a " +
		"pattern with `/` matches the image name (`ghcr.io/org/*`, `ghcr.io/org/**` for nested paths).\n\n" +
		"Without a list, every registry is allowed except ones addressed by `localhost` or an IP " +
		"address: those are reachable from one network only, are usually configured as insecure " +
		"(plain HTTP or unchecked TLS) registries, and cannot be verified by name.",
	Bad:  "FROM 10.0.4.12:5000/base/debian:12\nUSER 1000\n",
	Good: "FROM registry.example.com/base/debian:12\nUSER 1000\n",
	Differences: "Like hadolint's DL3026, the list check is off until registries are configured, but patterns " +
		"take wildcards (`*.example.com` for one DNS label, `**.example.com` for any depth, `ghcr.io/org/*`), images used by `COPY --from` and `RUN --mount` " +
		"are checked as well as FROM, and only stages that take part in building the target are checked. " +
		"Docker Hub images without a registry count as `docker.io`. `scratch`, stage references and " +
		"bases that depend on an ARG without a known value are skipped.",
	Equivalents: Equivalents{Hadolint: []string{"DL3026"}},
	Check:       checkCG1002,
}

func checkCG1002(ctx *Context) {
	for _, s := range ctx.ShippedStages() {
		if s.BaseStage == nil {
			if msg := cgRegistryProblem(ctx.Config, s.BaseRef); msg != "" {
				ctx.Report(s.From, "Base image %q %s", s.Base, msg)
			}
		}
		for _, img := range s.ExternalFrom {
			ref := dockerfile.ParseImageRef(img)
			if msg := cgRegistryProblem(ctx.Config, ref); msg != "" {
				ctx.Report(cgFirstUse(s, img), "Image %q %s", img, msg)
			}
		}
	}
}

// cgFirstUse finds the instruction of s that names img (COPY --from,
// RUN --mount), falling back to the stage's FROM.
func cgFirstUse(s *dockerfile.Stage, img string) *dockerfile.Instruction {
	for _, in := range s.Instructions {
		if (in.Kind == dockerfile.KindCopy || in.Kind == dockerfile.KindRun) && strings.Contains(in.Original, img) {
			return in
		}
	}
	return s.From
}

// cgRegistryProblem says what is wrong with where ref comes from, or "".
func cgRegistryProblem(cfg *config.Config, ref dockerfile.ImageRef) string {
	if ref.Unresolved || ref.Scratch || ref.Repository == "" {
		return ""
	}
	if len(cfg.TrustedRegistries) == 0 {
		host := ref.Registry
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.Trim(host, "[]")
		if host == "localhost" || net.ParseIP(host) != nil {
			return "comes from a registry addressed by " + host + ", which cannot be verified by name; push it to a registry with a DNS name and TLS"
		}
		return ""
	}
	if registryTrusted(cfg.TrustedRegistries, ref) {
		return ""
	}
	return "comes from " + ref.Registry + ", which is not a trusted registry; use one of " + strings.Join(cfg.TrustedRegistries, ", ") + " or add it to trusted-registries"
}
