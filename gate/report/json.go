package report

import (
	"encoding/json"
	"io"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

type jsonReporter struct{}

var _ Reporter = jsonReporter{}

type jsonFinding struct {
	RuleID      string `json:"rule_id"`
	Severity    string `json:"severity"`
	Path        string `json:"path"`
	Line        int    `json:"line"`
	Column      int    `json:"column"`
	EndLine     int    `json:"end_line,omitempty"`
	Message     string `json:"message"`
	Fingerprint string `json:"fingerprint"`
	Engine      string `json:"engine"`
	Stage       string `json:"stage,omitempty"`
}

type jsonDoc struct {
	Version  int              `json:"version"`
	Tool     Tool             `json:"tool"`
	Findings []jsonFinding    `json:"findings"`
	Summary  findings.Summary `json:"summary"`
	// Errors are present only on a failed run (summary.failed is then
	// true whatever the findings say).
	Errors []RunError `json:"errors,omitempty"`
}

func (jsonReporter) Write(w io.Writer, r *Report) error {
	doc := jsonDoc{Version: 1, Tool: r.Tool, Findings: []jsonFinding{}, Summary: r.Summary, Errors: r.Errors}
	if r.Incomplete() {
		doc.Summary.Failed = true
	}
	for _, f := range r.Findings {
		doc.Findings = append(doc.Findings, jsonFinding{
			RuleID: f.RuleID, Severity: f.Severity.String(), Path: f.Path, Line: f.Line, Column: f.Column,
			EndLine: f.EndLine, Message: f.Message, Fingerprint: f.Fingerprint, Engine: f.Engine, Stage: f.Stage,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
