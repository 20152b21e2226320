package report

import (
	"encoding/xml"
	"fmt"
	"io"
)

type junitReporter struct{}

var _ Reporter = junitReporter{}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr,omitempty"`
	Cases    []junitCase `xml:"testcase"`
}

// Write emits one suite per file and one failed test case per finding;
// a file without findings gets one passing case, so CI shows it was checked.
// Run errors are <error> cases, so a failed run never shows as all passed.
func (junitReporter) Write(w io.Writer, r *Report) error {
	doc := struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr,omitempty"`
		Suites   []junitSuite `xml:"testsuite"`
	}{Name: r.Tool.Name}
	idx := map[string]int{}
	for _, f := range r.Findings {
		i, ok := idx[f.Path]
		if !ok {
			i = len(doc.Suites)
			idx[f.Path] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: f.Path})
		}
		s := &doc.Suites[i]
		s.Tests++
		s.Failures++
		s.Cases = append(s.Cases, junitCase{
			Name:      fmt.Sprintf("%s:%d %s", f.Path, line(f), f.RuleID),
			Classname: f.RuleID,
			Failure:   &junitFailure{Message: f.Message, Type: f.Severity.String(), Text: fmt.Sprintf("%s:%d: %s [%s] %s", f.Path, line(f), f.Severity, f.RuleID, f.Message)},
		})
		doc.Tests++
		doc.Failures++
	}
	// A run error is a JUnit <error> (the test could not run), not a
	// <failure>, in the suite of the file it concerns.
	for _, e := range r.Errors {
		name := e.Path
		if name == "" {
			name = r.Tool.Name
		}
		i, ok := idx[name]
		if !ok {
			i = len(doc.Suites)
			idx[name] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: name})
		}
		s := &doc.Suites[i]
		s.Tests++
		s.Errors++
		s.Cases = append(s.Cases, junitCase{
			Name:      name + " run",
			Classname: r.Tool.Name,
			Error:     &junitFailure{Message: e.Message, Type: "run-error", Text: name + ": " + e.Message},
		})
		doc.Tests++
		doc.Errors++
	}
	if len(doc.Suites) == 0 {
		doc.Suites = append(doc.Suites, junitSuite{Name: r.Tool.Name, Tests: 1, Cases: []junitCase{{Name: "lint", Classname: r.Tool.Name}}})
		doc.Tests = 1
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
