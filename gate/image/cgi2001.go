package image

import (
	"io/fs"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI2001: setuid and setgid files.
var CGI2001 = Rule{
	ID:       "CGI2001",
	Name:     "image-setuid-files",
	Severity: findings.Warning,
	Summary:  "The image should contain no setuid or setgid files outside the allowlist.",
	Why: "A setuid-root binary is a way from the service user back to root: one bug in `su`, `mount` or " +
		"`passwd` and a compromised process owns the container. Service images need none; remove them " +
		"(`RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`) or ship on a base without them. " +
		"Accepted paths go in the setuid allowlist (`image.allow-setuid` in `.crank-gate.yaml`, or `--allow-setuid`).",
	Equivalents: findings.Equivalents{Dockle: []string{"CIS-DI-0008"}},
	Visit:       visitCGI2001,
}

func visitCGI2001(s *Scan, e *Entry) {
	if e.Mode.Type() != 0 || e.Mode&(fs.ModeSetuid|fs.ModeSetgid) == 0 || matchAny(s.Policy.SetuidAllowlist, e.Path) {
		return
	}
	kind := "setuid"
	switch {
	case e.Mode&fs.ModeSetuid != 0 && e.Mode&fs.ModeSetgid != 0:
		kind = "setuid and setgid"
	case e.Mode&fs.ModeSetgid != 0:
		kind = "setgid"
	}
	s.ReportFile(e, "%s is %s (mode %04o, owner uid %d); remove the bit or the file, or allowlist it", e.Path, kind, e.Header.Mode&0o7777, e.Header.Uid)
}

func matchAny(patterns []string, p string) bool {
	for _, pat := range patterns {
		if config.Match(pat, p) {
			return true
		}
	}
	return false
}
