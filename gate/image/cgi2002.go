package image

import (
	"io/fs"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI2002: world-writable directories without the sticky bit.
var CGI2002 = Rule{
	ID:       "CGI2002",
	Name:     "image-world-writable-dirs",
	Severity: findings.Warning,
	Summary:  "Directories must not be world-writable without the sticky bit.",
	Why: "In a world-writable directory without the sticky bit any user can delete or replace any other " +
		"user's files: code, configuration, sockets. `/tmp` is mode 1777 for that reason. Give the " +
		"directory to the service user (`COPY --chown=1000:1000`, `chmod 0755`), or set the sticky bit " +
		"when it must be shared.",
	Visit: visitCGI2002,
}

func visitCGI2002(s *Scan, e *Entry) {
	if !e.Mode.IsDir() || e.Mode.Perm()&0o002 == 0 || e.Mode&fs.ModeSticky != 0 {
		return
	}
	s.ReportFile(e, "Directory %s is world-writable without the sticky bit (mode %04o); chown it to the service user and chmod 0755, or chmod +t", e.Path, e.Header.Mode&0o7777)
}
