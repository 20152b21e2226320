package report

import (
	"encoding/json"
	"io"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

type gitlabReporter struct{}

var _ Reporter = gitlabReporter{}

// GitLab code quality severities.
var glSeverity = map[findings.Severity]string{findings.Error: "critical", findings.Warning: "major", findings.Info: "minor", findings.Style: "info"}

type glIssue struct {
	Description string     `json:"description"`
	CheckName   string     `json:"check_name"`
	Fingerprint string     `json:"fingerprint"`
	Severity    string     `json:"severity"`
	Location    glLocation `json:"location"`
}

type glLocation struct {
	Path  string `json:"path"`
	Lines struct {
		Begin int `json:"begin"`
	} `json:"lines"`
}

// Write emits GitLab's code quality report (a JSON array of issues).
func (gitlabReporter) Write(w io.Writer, r *Report) error {
	out := []glIssue{}
	for _, f := range r.Findings {
		is := glIssue{Description: f.RuleID + ": " + f.Message, CheckName: f.RuleID, Fingerprint: f.Fingerprint, Severity: glSeverity[f.Severity]}
		is.Location.Path = f.Path
		is.Location.Lines.Begin = line(f)
		out = append(out, is)
	}
	// GitLab has no "tool failed" field: each run error becomes a blocker
	// issue, so the merge request widget cannot show a clean result.
	for _, e := range r.Errors {
		is := glIssue{Description: "run incomplete: " + e.Message, CheckName: r.Tool.Name + "/run-error", Fingerprint: findings.Fingerprint("run-error", e.Path, e.Message, 0), Severity: "blocker"}
		is.Location.Path = e.Path
		if is.Location.Path == "" {
			is.Location.Path = "."
		}
		is.Location.Lines.Begin = 1
		out = append(out, is)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
