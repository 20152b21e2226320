package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

type markdownReporter struct{}

var _ Reporter = markdownReporter{}

// Write renders a PR comment: a verdict line and a table that links each
// rule to its documentation.
func (markdownReporter) Write(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	s := r.Summary
	icon := "✅"
	if s.Failed {
		icon = "❌"
	}
	fmt.Fprintf(bw, "### %s %s lint: %d finding(s) in %d file(s)\n\n", icon, r.Tool.Name, s.Total, s.Files)
	fmt.Fprintf(bw, "%d error, %d warning, %d info, %d style; %d suppressed; fail-on `%s`.\n", s.BySev["error"], s.BySev["warning"], s.BySev["info"], s.BySev["style"], s.Suppress, s.FailOn)
	if len(r.Findings) == 0 {
		return bw.Flush()
	}
	rules := ruleIndex(r.Rules)
	fmt.Fprintf(bw, "\n| Severity | Rule | Location | Message |\n|---|---|---|---|\n")
	for _, f := range r.Findings {
		rule := f.RuleID
		if ri, ok := rules[f.RuleID]; ok && ri.HelpURI != "" {
			rule = fmt.Sprintf("[%s](%s)", f.RuleID, ri.HelpURI)
		}
		fmt.Fprintf(bw, "| %s | %s | `%s:%d` | %s |\n", f.Severity, rule, mdEscape(f.Path), line(f), mdEscape(f.Message))
	}
	return bw.Flush()
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ", "`", "'").Replace(s)
}
