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
