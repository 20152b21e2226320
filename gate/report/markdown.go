package report

import (
	"bufio"
	"fmt"
	"io"
	"net/url"
	"strings"
)

type markdownReporter struct{}

var _ Reporter = markdownReporter{}

// Write renders a PR comment: a verdict line and a table that links each
// rule to its documentation. Every string from the input goes through
// mdText or mdCode, so a file name cannot add links, images, HTML or
// table cells to the comment.
func (markdownReporter) Write(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	s := r.Summary
	icon := "✅"
	if s.Failed {
		icon = "❌"
	}
	if r.Incomplete() {
		fmt.Fprintf(bw, "### ❌ %s: run incomplete, %d error(s); no verdict\n\n", mdText(r.Tool.Name), len(r.Errors))
		for _, e := range r.Errors {
			if e.Path != "" {
				fmt.Fprintf(bw, "- %s: %s\n", mdCode(e.Path), mdText(e.Message))
			} else {
				fmt.Fprintf(bw, "- %s\n", mdText(e.Message))
			}
		}
		fmt.Fprintf(bw, "\nFindings of the inputs that were checked:\n\n")
	}
	fmt.Fprintf(bw, "### %s %s lint: %d finding(s) in %d file(s)\n\n", icon, mdText(r.Tool.Name), s.Total, s.Files)
	fmt.Fprintf(bw, "%d error, %d warning, %d info, %d style; %d suppressed; fail-on `%s`.\n", s.BySev["error"], s.BySev["warning"], s.BySev["info"], s.BySev["style"], s.Suppress, strings.ReplaceAll(s.FailOn, "`", "'"))
	if len(r.Findings) == 0 {
		return bw.Flush()
	}
	rules := ruleIndex(r.Rules)
	fmt.Fprintf(bw, "\n| Severity | Rule | Location | Message |\n|---|---|---|---|\n")
	for _, f := range r.Findings {
		rule := mdText(f.RuleID)
		if ri, ok := rules[f.RuleID]; ok && safeLink(ri.HelpURI) {
			rule = fmt.Sprintf("[%s](%s)", rule, ri.HelpURI)
		}
		fmt.Fprintf(bw, "| %s | %s | %s | %s |\n", f.Severity, rule, mdCode(fmt.Sprintf("%s:%d", f.Path, line(f))), mdText(f.Message))
	}
	return bw.Flush()
}

// mdText escapes s for Markdown text (GitHub Flavored Markdown, inside a
// table cell): control characters as Inert does, then a backslash before
// every ASCII punctuation character GitHub's Markdown acts on in a line
// and before the dot of "www.", and <, > and & as entities, so nothing in
// s is read as emphasis, a link, an image, an autolink, a mention, raw
// HTML, an entity or a cell border.
func mdText(s string) string {
	s = Inert(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i, r := range s {
		switch {
		case r == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www"):
			b.WriteString("\\.") // GFM autolinks www.host without a scheme
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case strings.ContainsRune(mdPunct, r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdPunct are the characters GitHub's Markdown acts on inside a line:
// escapes, code, emphasis, links and images, headings, table cells,
// strikethrough, mentions, emoji shortcodes and scheme autolinks (":"),
// and math ("$").
const mdPunct = "\\`*_[]()#!|~@:$"

// mdCode shows s as a code span: nothing inside one is rendered, links
// and mentions included. A backtick would end the span early, so it
// becomes ', and | is escaped because GFM splits table cells first.
func mdCode(s string) string {
	s = Inert(s)
	s = strings.ReplaceAll(s, "`", "'")
	s = strings.ReplaceAll(s, "|", "\\|")
	return "`" + s + "`"
}

// safeLink accepts only plain https URLs for rule links: a rule id comes
// from a config file (a repository's .gitleaks.toml), its link must not
// become javascript: or break out of the (...) of the link.
func safeLink(u string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Scheme == "https" && p.Host != "" && !strings.ContainsAny(u, " ()<>\"'`\\")
}
