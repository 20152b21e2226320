package image

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI2006: a shell in the final image (a slimness fact).
var CGI2006 = Rule{
	ID:       "CGI2006",
	Name:     "image-has-shell",
	Severity: findings.Info,
	Summary:  "Slimness fact: the final image contains a shell.",
	Why: "A shell is what turns a code-execution bug into an interactive foothold, and what most exploit " +
		"payloads (`/bin/sh -c ...`) assume. Distroless and scratch images have none. This is reported " +
		"as information so teams can track it; raise its severity in `.crank-gate.yaml` to enforce it.",
	Finish: finishCGI2006,
}

var shells = []string{"/bin/sh", "/bin/bash", "/bin/ash", "/bin/dash", "/bin/zsh", "/bin/busybox", "/usr/bin/sh", "/usr/bin/bash", "/usr/bin/dash", "/usr/bin/zsh", "/usr/bin/busybox"}

func finishCGI2006(s *Scan) {
	if found := present(s, shells); len(found) > 0 {
		s.Report(Anchor{Kind: AnchorBase}, "shell", "The image contains a shell (%s); distroless or scratch bases ship without one", strings.Join(found, ", "))
	}
}

// present lists the paths that exist in the final filesystem (following
// symlinks, so /bin -> usr/bin layouts count once per name given).
func present(s *Scan, paths []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range paths {
		rp, ok, err := s.FS.Resolve(p)
		if err != nil || !ok || seen[rp] {
			continue
		}
		if n := s.FS.lookup(rp); n == nil || n.typeflag == '5' {
			continue
		}
		seen[rp] = true
		out = append(out, p)
	}
	return out
}
