package image

import (
	"sort"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI2009: several accounts share a uid.
var CGI2009 = Rule{
	ID:       "CGI2009",
	Name:     "image-duplicate-uid",
	Severity: findings.Warning,
	Summary:  "Accounts in /etc/passwd must have unique uids (a second uid 0 is an error).",
	Why: "Two names for one uid make ownership and audit logs ambiguous; a second account with uid 0 " +
		"(`toor`) is a classic backdoor, and a service user that shares uid 0 is root whatever its " +
		"name. Give every account its own uid.",
	Equivalents: findings.Equivalents{Dockle: []string{"CIS-DI-0011"}},
	Finish:      finishCGI2009,
}

func finishCGI2009(s *Scan) {
	f := s.File("/etc/passwd")
	if f == nil {
		return
	}
	byUID := map[string][]string{}
	var uids []string
	for _, a := range parseAccounts(f.Content) {
		if len(a.fields) < 3 {
			continue
		}
		uid := strings.TrimLeft(a.fields[2], "0")
		if uid == "" {
			uid = "0"
		}
		if byUID[uid] == nil {
			uids = append(uids, uid)
		}
		byUID[uid] = append(byUID[uid], a.fields[0])
	}
	sort.Strings(uids)
	for _, uid := range uids {
		names := byUID[uid]
		if len(names) < 2 {
			continue
		}
		sev := s.rule.Severity
		if uid == "0" {
			sev = findings.Error
		}
		s.ReportSeverity(sev, Anchor{Kind: AnchorLayer, Layer: f.Layer}, "uid:"+uid, "Accounts %s share uid %s in /etc/passwd; give each its own uid", strings.Join(names, ", "), uid)
	}
}
