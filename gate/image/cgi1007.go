package image

import (
	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// OCI annotation keys (image-spec annotations.md) that record the base.
const (
	AnnotationBaseName   = "org.opencontainers.image.base.name"
	AnnotationBaseDigest = "org.opencontainers.image.base.digest"
)

// CGI1007: the base image must be on the slim allowlist.
var CGI1007 = Rule{
	ID:       "CGI1007",
	Name:     "image-slim-base",
	Severity: findings.Warning,
	Summary:  "The image should be built on a slim base (distroless, chainguard, alpine, *-slim, scratch).",
	Why: "The base is read from the OCI annotation `org.opencontainers.image.base.name` (manifest or " +
		"index entry, as `docker buildx build` and `buildah` record it) or the label of the same name. It " +
		"is matched against `slim-allowlist:` of `.crank-gate.yaml`, the list `lint` uses for CG1003. When " +
		"the image records no base, an info finding says so: build with `--annotation` or " +
		"`LABEL org.opencontainers.image.base.name=...` so the gate (and scanners) can see it.",
	Config: checkCGI1007,
}

// baseName returns the recorded base image and where it was found.
func baseName(s *Scan) (name, digest string) {
	name, digest = s.Annotations[AnnotationBaseName], s.Annotations[AnnotationBaseDigest]
	if name == "" {
		name = s.ConfigFile.Config.Labels[AnnotationBaseName]
	}
	if digest == "" {
		digest = s.ConfigFile.Config.Labels[AnnotationBaseDigest]
	}
	return name, digest
}

func checkCGI1007(s *Scan) {
	if len(s.Config.SlimAllowlist) == 0 {
		return
	}
	name, _ := baseName(s)
	a := Anchor{Kind: AnchorBase}
	if name == "" {
		s.ReportSeverity(findings.Info, a, "base:unknown", "The image does not record its base image (annotation %s), so the slim-base policy cannot be checked; build with --annotation %s=<base> or the label of that name", AnnotationBaseName, AnnotationBaseName)
		return
	}
	ref := dockerfile.ParseImageRef(name)
	if ref.Scratch || slim(s.Config.SlimAllowlist, ref) {
		return
	}
	s.Report(a, "base:"+ref.Name(), "The image is built on %q, which is not on the slim allowlist; ship on distroless, chainguard, alpine, a -slim variant or scratch", name)
}

// slim matches the full name, the name as written and the tagged forms,
// as CG1003 does for FROM lines.
func slim(patterns []string, ref dockerfile.ImageRef) bool {
	short := ref.Repository
	if ref.RegistryExplicit {
		short = ref.Registry + "/" + ref.Repository
	}
	for _, p := range patterns {
		for _, n := range []string{ref.Name(), ref.Registry + "/" + ref.Repository, short} {
			if config.Match(p, n) || ref.Tag != "" && config.Match(p, n+":"+ref.Tag) {
				return true
			}
		}
	}
	return false
}
