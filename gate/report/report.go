// Package report renders findings. Each format is one type in its own
// file, chosen by name through the reporters map; every format is tested
// against a golden file.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// Tool identifies the producer in reports.
type Tool struct {
	Name           string `json:"name"`
	Version        string `json:"version"`
	InformationURI string `json:"information_uri"`
}

// Report is everything a reporter renders.
type Report struct {
	Tool     Tool
	Findings []findings.Finding
	// Rules describe every rule that ran (SARIF wants all of them, not
	// only those that fired, so viewers can show what was checked).
	Rules   []findings.RuleInfo
	Summary findings.Summary
	// Errors say why the run could not give a verdict (input rejected, a
	// budget exceeded, interrupted): the command exits 2 and every format
	// says the run failed, so a half-done run never reads as a pass. The
	// findings beside them are those of the inputs that were checked.
	Errors []RunError
}

// RunError is one reason a run is incomplete. Path names the input it
// concerns, when there is one.
type RunError struct {
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

// Fail marks the report as a failed run: Summary.Failed is forced on,
// whatever the findings say.
func (r *Report) Fail(errs ...RunError) {
	r.Errors = append(r.Errors, errs...)
	r.Summary.Failed = true
}

// Incomplete reports whether the run ended with errors.
func (r *Report) Incomplete() bool { return len(r.Errors) > 0 }

// Options tune reporters.
type Options struct {
	// Color enables ANSI colours in the tty format; the CLI sets it only
	// when the output is a terminal and NO_COLOR is unset.
	Color bool
}

// Reporter writes a Report in one format.
type Reporter interface {
	Write(w io.Writer, r *Report) error
}

var reporters = map[string]func(Options) Reporter{
	"tty":        func(o Options) Reporter { return ttyReporter{color: o.Color} },
	"json":       func(Options) Reporter { return jsonReporter{} },
	"sarif":      func(Options) Reporter { return sarifReporter{} },
	"junit":      func(Options) Reporter { return junitReporter{} },
	"checkstyle": func(Options) Reporter { return checkstyleReporter{} },
	"gitlab":     func(Options) Reporter { return gitlabReporter{} },
	"markdown":   func(Options) Reporter { return markdownReporter{} },
}

// Names lists the formats, sorted, for flag help and errors.
func Names() []string {
	out := make([]string, 0, len(reporters))
	for n := range reporters {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// New returns the reporter for a format name.
func New(name string, o Options) (Reporter, error) {
	mk, ok := reporters[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("unknown format %q: use one of %s", name, strings.Join(Names(), ", "))
	}
	return mk(o), nil
}

// line returns a location line that is always valid (formats such as
// SARIF and GitLab require one); findings without a line point at line 1.
func line(f findings.Finding) int { return max(1, f.Line) }

func ruleIndex(rules []findings.RuleInfo) map[string]findings.RuleInfo {
	m := make(map[string]findings.RuleInfo, len(rules))
	for _, r := range rules {
		m[r.ID] = r
	}
	return m
}
