package image

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI1001: the image must run as the platform's numeric non-root user.
var CGI1001 = Rule{
	ID:       "CGI1001",
	Name:     "image-numeric-nonroot-user",
	Severity: findings.Error,
	Summary:  "The image must run as a numeric non-root uid (default 1000).",
	Why: "The effective user is what the image configuration says (`config.User`), whatever the Dockerfile " +
		"intended: a base image's USER is inherited, and an image with no USER runs as root. Kubernetes' " +
		"`runAsNonRoot` can only verify a numeric uid. Set `USER 1000:1000` in the final stage. The uid " +
		"comes from `required-uid:` in `.crank-gate.yaml`, the same setting `lint` uses (CG5001).",
	Equivalents: findings.Equivalents{Hadolint: []string{"DL3002"}, Dockle: []string{"CIS-DI-0001"}},
	Config:      checkCGI1001,
}

func checkCGI1001(s *Scan) {
	user := strings.TrimSpace(s.ConfigFile.Config.User)
	want := s.Config.RequiredUID
	fix := "USER " + orDefault(want, "1000") + ":" + orDefault(want, "1000")
	a := Anchor{Kind: AnchorUser}
	if user == "" {
		s.Report(a, "user", "The image sets no user, so it runs as root; set %s in the final stage", fix)
		return
	}
	uid, _, _ := strings.Cut(user, ":")
	switch {
	case !isNumber(uid):
		s.Report(a, "user", "The image runs as user %q, a name the runtime cannot verify as non-root; use %s", user, fix)
	case strings.TrimLeft(uid, "0") == "":
		s.Report(a, "user", "The image runs as %q, which is root; use %s", user, fix)
	case want != "" && strings.TrimLeft(uid, "0") != strings.TrimLeft(want, "0"):
		s.Report(a, "user", "The image runs as uid %s, not the platform's uid %s; use %s", uid, want, fix)
	}
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}
