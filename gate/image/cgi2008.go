package image

import (
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI2008: accounts with an empty password.
var CGI2008 = Rule{
	ID:       "CGI2008",
	Name:     "image-empty-password",
	Severity: findings.Error,
	Summary:  "No account in /etc/shadow or /etc/passwd may have an empty password.",
	Why: "An empty password field lets anyone log in as that account with `su` or any PAM service, no " +
		"password asked. Lock the account instead (`*` or `!` in the password field: `passwd -l`, or " +
		"`useradd` without `-p`).",
	Equivalents: findings.Equivalents{Dockle: []string{"CIS-DI-0009"}},
	Finish:      finishCGI2008,
}

func finishCGI2008(s *Scan) {
	for _, file := range []string{"/etc/shadow", "/etc/passwd"} {
		f := s.File(file)
		if f == nil {
			continue
		}
		for _, a := range parseAccounts(f.Content) {
			if len(a.fields) >= 2 && a.fields[1] == "" {
				s.Report(Anchor{Kind: AnchorLayer, Layer: f.Layer}, file+":"+a.fields[0], "Account %q has an empty password in %s (line %d); lock it with passwd -l or set the field to *", a.fields[0], file, a.line)
			}
		}
	}
}
