package image

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI1008: the base image must be pinned by digest.
var CGI1008 = Rule{
	ID:       "CGI1008",
	Name:     "image-base-pinned",
	Severity: findings.Warning,
	Summary:  "The image should record a digest-pinned base (org.opencontainers.image.base.digest).",
	Why: "A base named only by tag (`node:22-slim`) changes under you: the next build silently picks up a " +
		"different image, and nobody can tell which base a running image was built from when a CVE lands. " +
		"Pin `FROM image:tag@sha256:...` and let the builder record `org.opencontainers.image.base.digest`. " +
		"Images that record no base at all are reported by CGI1007.",
	Config: checkCGI1008,
}

func checkCGI1008(s *Scan) {
	name, digest := baseName(s)
	if name == "" || strings.EqualFold(name, "scratch") || digest != "" || strings.Contains(name, "@sha256:") {
		return
	}
	s.Report(Anchor{Kind: AnchorBase}, "base-pin:"+name, "The base %q is recorded without a digest; pin FROM by digest (image:tag@sha256:...) so builds are reproducible and auditable", name)
}
