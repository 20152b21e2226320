package image

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI2007: a package manager in the final image (a slimness fact).
var CGI2007 = Rule{
	ID:       "CGI2007",
	Name:     "image-has-package-manager",
	Severity: findings.Info,
	Summary:  "Slimness fact: the final image contains a package manager.",
	Why: "A package manager in a running container lets an intruder install tools, and signals a base " +
		"made for building rather than shipping. Build in a full image and copy the result into a " +
		"distroless, scratch or minimal base. Reported as information; raise its severity to enforce it.",
	Finish: finishCGI2007,
}

var packageManagers = []string{
	"/usr/bin/apt-get", "/usr/bin/apt", "/usr/bin/dpkg", "/sbin/apk", "/usr/sbin/apk", "/usr/bin/apk",
	"/usr/bin/yum", "/usr/bin/dnf", "/usr/bin/microdnf", "/usr/bin/rpm", "/bin/rpm", "/usr/bin/zypper",
}

func finishCGI2007(s *Scan) {
	if found := present(s, packageManagers); len(found) > 0 {
		s.Report(Anchor{Kind: AnchorBase}, "package-manager", "The image contains a package manager (%s); ship on a base without one", strings.Join(found, ", "))
	}
}
