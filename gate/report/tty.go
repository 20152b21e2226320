package report

import (
	"bufio"
	"fmt"
	"io"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

type ttyReporter struct{ color bool }

var _ Reporter = ttyReporter{}

var sevColor = map[findings.Severity]string{findings.Error: "\x1b[31m", findings.Warning: "\x1b[33m", findings.Info: "\x1b[36m", findings.Style: "\x1b[2m"}

func (t ttyReporter) paint(code, s string) string {
	if !t.color || code == "" {
		return s
	}
	return code + s + "\x1b[0m"
}

// Write groups findings by file, one line each, then a summary line.
func (t ttyReporter) Write(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	path := "\x00"
	for _, f := range r.Findings {
		if f.Path != path {
			if path != "\x00" {
				fmt.Fprintln(bw)
			}
			path = f.Path
			fmt.Fprintln(bw, t.paint("\x1b[1m", Inert(path)))
		}
		loc := fmt.Sprintf("%d", line(f))
		if f.Column > 0 {
			loc += fmt.Sprintf(":%d", f.Column)
		}
		fmt.Fprintf(bw, "  %-7s %-8s %s  %s\n", loc, t.paint(sevColor[f.Severity], f.Severity.String()), t.paint("\x1b[1m", Inert(f.RuleID)), Inert(f.Message))
	}
	if len(r.Findings) > 0 {
		fmt.Fprintln(bw)
	}
	for _, e := range r.Errors {
		where := ""
		if e.Path != "" {
			where = Inert(e.Path) + ": "
		}
		fmt.Fprintf(bw, "%s %s%s\n", t.paint(sevColor[findings.Error], "error:"), where, Inert(e.Message))
	}
	if len(r.Errors) > 0 {
		fmt.Fprintln(bw)
	}
	s := r.Summary
	verdict := t.paint("\x1b[32m", "pass")
	switch {
	case r.Incomplete():
		verdict = t.paint("\x1b[31m", fmt.Sprintf("ERROR (run incomplete, %d error(s); no verdict)", len(r.Errors)))
	case s.Failed:
		verdict = t.paint("\x1b[31m", "FAIL")
	}
	fmt.Fprintf(bw, "%s: %d file(s), %d finding(s) (%d error, %d warning, %d info, %d style), %d suppressed, fail-on %s\n",
		verdict, s.Files, s.Total, s.BySev["error"], s.BySev["warning"], s.BySev["info"], s.BySev["style"], s.Suppress, s.FailOn)
	return bw.Flush()
}
