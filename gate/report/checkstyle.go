package report

import (
	"encoding/xml"
	"io"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

type checkstyleReporter struct{}

var _ Reporter = checkstyleReporter{}

type csError struct {
	Line     int    `xml:"line,attr"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

type csFile struct {
	Name   string    `xml:"name,attr"`
	Errors []csError `xml:"error"`
}

// checkstyle knows error, warning, info and ignore; style maps to info.
var csSeverity = map[findings.Severity]string{findings.Error: "error", findings.Warning: "warning", findings.Info: "info", findings.Style: "info"}

func (checkstyleReporter) Write(w io.Writer, r *Report) error {
	doc := struct {
		XMLName xml.Name `xml:"checkstyle"`
		Version string   `xml:"version,attr"`
		Files   []csFile `xml:"file"`
	}{Version: "4.3"}
	idx := map[string]int{}
	for _, f := range r.Findings {
		i, ok := idx[f.Path]
		if !ok {
			i = len(doc.Files)
			idx[f.Path] = i
			doc.Files = append(doc.Files, csFile{Name: f.Path})
		}
		doc.Files[i].Errors = append(doc.Files[i].Errors, csError{Line: line(f), Column: f.Column, Severity: csSeverity[f.Severity], Message: f.Message, Source: f.RuleID})
	}
	// Checkstyle has no "tool failed" element that readers agree on; a
	// run error is an error-severity entry of its file (or of the tool).
	for _, e := range r.Errors {
		name := e.Path
		if name == "" {
			name = r.Tool.Name
		}
		i, ok := idx[name]
		if !ok {
			i = len(doc.Files)
			idx[name] = i
			doc.Files = append(doc.Files, csFile{Name: name})
		}
		doc.Files[i].Errors = append(doc.Files[i].Errors, csError{Line: 1, Severity: "error", Message: "run incomplete: " + e.Message, Source: r.Tool.Name + ".run-error"})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
