package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/report/sariftest"
)

// hostileStrings are what a crafted image, tree or Dockerfile can put in
// a file name, an ENV key, a label or a message.
func hostileStrings() []string {
	return []string{
		"evil\x1b]0;pwned\x07\x1b[2J",
		"a\nb\r\n::add-mask::secret",
		"::error file=x,line=1::fake",
		"\n::set-output name=ok::true",
		"x ##[set-env name=LD_PRELOAD]evil.so",
		"nul\x00byte",
		"c1\u0085\u009b31m",
		"rlo\u202etxt.exe\u202c and \u2066iso\u2069",
		"line\u2028sep\u2029",
		"bad utf8 \xff\xfe\xc3",
		"]]> <![CDATA[ <script>alert(1)</script> &amp; &#x3c;",
		`quotes " ' \ ` + "` ${x}",
		"[click](javascript:alert(1)) ![img](https://e.invalid/p.png) <img src=x onerror=alert(1)>",
		"| a | b |\n|---|",
		"@octo/team **bold** _x_ ~~s~~ # h",
		"\t  ::warning::indented",
	}
}

// hostileReport puts each hostile string in every input-derived field of
// one finding, and one more as a run error.
func hostileReport() *Report {
	var fs []findings.Finding
	for i, s := range hostileStrings() {
		fs = append(fs, findings.Finding{
			RuleID: "DL3006", Severity: findings.Warning, Path: "dir/" + s, Line: i + 1, Message: "msg " + s,
			Fingerprint: "f", Engine: "crank-gate", Stage: s,
		})
	}
	r := &Report{
		Tool:     Tool{Name: "crank-gate", Version: "1.2.3", InformationURI: "https://github.com/crank-platform/terraform-provider-crank"},
		Findings: fs,
		Rules:    []findings.RuleInfo{{ID: "DL3006", Name: "untagged-from", Summary: "Tag images.", Severity: findings.Warning, HelpURI: "https://example.com/DL3006", Engine: "crank-gate"}},
		Summary:  findings.Summarize(fs, 1, 0, findings.Error),
	}
	r.Fail(RunError{Path: "in/::add-mask::\x1b[0m\nx", Message: "rejected \x1b[31m\n::error::boom ]]>"})
	return r
}

// TestTextFormatsAreInert renders the hostile report in the formats
// people and CI logs read: no control character, bidi override or
// invalid UTF-8 reaches the output, and no line starts a workflow command.
func TestTextFormatsAreInert(t *testing.T) {
	for _, name := range []string{"tty", "markdown"} {
		for _, color := range []bool{false, true} {
			out := render(t, name, hostileReport(), Options{Color: color})
			if !utf8.Valid(out) {
				t.Errorf("%s: output is not valid UTF-8", name)
			}
			for n, line := range strings.Split(string(out), "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "::") || strings.Contains(line, "##[") {
					t.Errorf("%s line %d is a workflow command: %q", name, n+1, line)
				}
				for _, r := range strings.ReplaceAll(line, "\x1b[", "") {
					if r < 0x20 || r == 0x7f || unsafeRune(r) {
						t.Errorf("%s line %d keeps %U: %q", name, n+1, r, line)
					}
				}
				if color {
					continue
				}
				if strings.ContainsRune(line, 0x1b) {
					t.Errorf("%s line %d has ESC without colour: %q", name, n+1, line)
				}
			}
			if name == "tty" && !strings.Contains(string(out), `msg evil\x1b]0;pwned\x07\x1b[2J`) {
				t.Errorf("tty does not show the escaped message:\n%s", out)
			}
		}
	}
}

// TestMarkdownCannotInject checks that no hostile string becomes a link,
// an image, HTML or an extra table cell in a PR comment.
func TestMarkdownCannotInject(t *testing.T) {
	out := string(render(t, "markdown", hostileReport(), Options{}))
	// Code spans render as literal text; what matters is everything else.
	text := withoutCodeSpans(out)
	for _, bad := range []string{"<script", "<img", "](javascript", "![img](", "**bold**", "&#x3c;", "<![CDATA["} {
		if strings.Contains(text, bad) {
			t.Errorf("markdown keeps %q outside code spans:\n%s", bad, out)
		}
	}
	for n, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| Severity") {
			continue
		}
		// A row is "| sev | rule | loc | msg |": four cells, five unescaped pipes.
		if cells := countUnescaped(line, '|'); cells != 5 {
			t.Errorf("markdown line %d has %d cell borders, want 5: %q", n+1, cells, line)
		}
	}
	if !strings.Contains(out, "run incomplete") {
		t.Errorf("markdown does not say the run is incomplete:\n%s", out)
	}
}

// withoutCodeSpans drops `...` spans, honouring backslash escapes
// outside them as CommonMark does.
func withoutCodeSpans(s string) string {
	var b strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		switch {
		case !in && s[i] == '\\' && i+1 < len(s):
			b.WriteString(s[i : i+2])
			i++
		case s[i] == '`':
			in = !in
		case !in:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func countUnescaped(s string, c byte) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == c {
			n++
		}
	}
	return n
}

// valid is what a hostile string turns into once it went through a
// UTF-8-only format: invalid bytes become U+FFFD, the rest is exact.
func valid(s string) string {
	var b strings.Builder
	for _, r := range s { // ranging yields U+FFFD once per invalid byte, as encoders write
		b.WriteRune(r)
	}
	return b.String()
}

// TestJSONRoundTrips parses the JSON and GitLab outputs back: every
// hostile path and message comes back exactly (invalid UTF-8 as U+FFFD),
// and the failed run says so.
func TestJSONRoundTrips(t *testing.T) {
	r := hostileReport()
	var doc struct {
		Findings []struct{ Path, Message string }
		Summary  struct{ Failed bool }
		Errors   []RunError
	}
	out := render(t, "json", r, Options{})
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("json output does not parse: %v\n%s", err, out)
	}
	if len(doc.Findings) != len(r.Findings) || !doc.Summary.Failed || len(doc.Errors) != 1 {
		t.Fatalf("json: %d findings, failed=%v, %d errors", len(doc.Findings), doc.Summary.Failed, len(doc.Errors))
	}
	for i, f := range doc.Findings {
		if f.Path != valid(r.Findings[i].Path) || f.Message != valid(r.Findings[i].Message) {
			t.Errorf("json finding %d: %q %q, want %q %q", i, f.Path, f.Message, r.Findings[i].Path, r.Findings[i].Message)
		}
	}
	if doc.Errors[0] != (RunError{Path: valid(r.Errors[0].Path), Message: valid(r.Errors[0].Message)}) {
		t.Errorf("json error = %+v", doc.Errors[0])
	}
	noRawLines(t, "json", out)

	var gl []struct {
		Description string
		Severity    string
		Location    struct{ Path string }
	}
	out = render(t, "gitlab", r, Options{})
	if err := json.Unmarshal(out, &gl); err != nil {
		t.Fatalf("gitlab output does not parse: %v", err)
	}
	if len(gl) != len(r.Findings)+1 || gl[len(gl)-1].Severity != "blocker" {
		t.Fatalf("gitlab: %d issues, last %+v", len(gl), gl[len(gl)-1])
	}
	for i, f := range r.Findings {
		if gl[i].Location.Path != valid(f.Path) || !strings.HasSuffix(gl[i].Description, valid(f.Message)) {
			t.Errorf("gitlab issue %d: %+v", i, gl[i])
		}
	}
	noRawLines(t, "gitlab", out)
}

// noRawLines checks that a structured output printed to a CI log cannot
// start a workflow command either: strings stay inside their quotes.
func noRawLines(t *testing.T, name string, out []byte) {
	t.Helper()
	for n, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "::") {
			t.Errorf("%s line %d: %q", name, n+1, line)
		}
		if strings.ContainsAny(line, "\x1b\r\x00") {
			t.Errorf("%s line %d holds a raw control character: %q", name, n+1, line)
		}
	}
}

// xmlSafe is what a hostile string turns into in XML 1.0, which cannot
// carry most control characters at all: encoding/xml writes U+FFFD.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xd7ff || r >= 0xe000 && r <= 0xfffd || r >= 0x10000 && r <= 0x10ffff {
			return r
		}
		return '\uFFFD'
	}, valid(s))
}

// TestXMLRoundTrips parses JUnit and Checkstyle back with a strict XML
// decoder: "]]>", quotes, markup and control characters cannot break the
// document, attribute values come back exactly (as XML can hold them),
// and a failed run is an <error> case.
func TestXMLRoundTrips(t *testing.T) {
	r := hostileReport()
	out := render(t, "junit", r, Options{})
	var ju struct {
		Errors int `xml:"errors,attr"`
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				Error *struct {
					Message string `xml:"message,attr"`
				} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out, &ju); err != nil {
		t.Fatalf("junit does not parse: %v\n%s", err, out)
	}
	if ju.Errors != 1 || len(ju.Suites) != len(r.Findings)+1 {
		t.Fatalf("junit: errors=%d suites=%d", ju.Errors, len(ju.Suites))
	}
	for i, f := range r.Findings {
		s := ju.Suites[i]
		if s.Name != xmlSafe(f.Path) || s.Cases[0].Failure == nil || s.Cases[0].Failure.Message != xmlSafe(f.Message) {
			t.Errorf("junit suite %d: %q, want %q", i, s.Name, xmlSafe(f.Path))
		}
	}
	last := ju.Suites[len(ju.Suites)-1]
	if last.Cases[0].Error == nil || last.Cases[0].Error.Message != xmlSafe(r.Errors[0].Message) {
		t.Errorf("junit run error case = %+v", last.Cases[0])
	}
	noRawLines(t, "junit", out)

	out = render(t, "checkstyle", r, Options{})
	var cs struct {
		Files []struct {
			Name   string `xml:"name,attr"`
			Errors []struct {
				Message  string `xml:"message,attr"`
				Severity string `xml:"severity,attr"`
			} `xml:"error"`
		} `xml:"file"`
	}
	if err := xml.Unmarshal(out, &cs); err != nil {
		t.Fatalf("checkstyle does not parse: %v\n%s", err, out)
	}
	if len(cs.Files) != len(r.Findings)+1 {
		t.Fatalf("checkstyle: %d files", len(cs.Files))
	}
	for i, f := range r.Findings {
		if cs.Files[i].Name != xmlSafe(f.Path) || cs.Files[i].Errors[0].Message != xmlSafe(f.Message) {
			t.Errorf("checkstyle file %d: %+v", i, cs.Files[i])
		}
	}
	noRawLines(t, "checkstyle", out)
}

// TestSARIFRoundTrips parses the SARIF back, checks paths survive as
// URIs and messages exactly, and runs the real validator over it.
func TestSARIFRoundTrips(t *testing.T) {
	r := hostileReport()
	out := render(t, "sarif", r, Options{})
	var log struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful        bool
				ToolExecutionNotifications []struct {
					Level   string
					Message struct{ Text string }
				}
			}
			Results []struct {
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatalf("sarif does not parse: %v", err)
	}
	run := log.Runs[0]
	if len(run.Invocations) != 1 || run.Invocations[0].ExecutionSuccessful || len(run.Invocations[0].ToolExecutionNotifications) != 1 {
		t.Fatalf("sarif invocations = %+v", run.Invocations)
	}
	if n := run.Invocations[0].ToolExecutionNotifications[0]; n.Level != "error" || !strings.HasPrefix(n.Message.Text, valid(r.Errors[0].Message)) {
		t.Errorf("sarif notification = %+v", n)
	}
	for i, f := range r.Findings {
		res := run.Results[i]
		if res.Message.Text != sentence(valid(f.Message)) {
			t.Errorf("sarif result %d message %q, want %q", i, res.Message.Text, f.Message)
		}
		uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI
		if strings.ContainsAny(uri, " \n\r\x1b\x00<>\"") {
			t.Errorf("sarif result %d uri not escaped: %q", i, uri)
		}
	}
	noRawLines(t, "sarif", out)
	if bin := sariftest.Validator(t); bin != "" {
		p := filepath.Join(t.TempDir(), "hostile.sarif")
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
		sariftest.Validate(t, bin, p)
	}
}

// TestFailedRunNeverPasses renders a run that found nothing but failed:
// no format may read as a pass.
func TestFailedRunNeverPasses(t *testing.T) {
	r := sample()
	r.Findings = nil
	r.Summary = findings.Summarize(nil, 0, 0, findings.Warning)
	r.Fail(RunError{Path: "Dockerfile", Message: "file size in bytes: 52428800 is over the limit of 16777216"})
	want := map[string]string{
		"tty":        "ERROR (run incomplete",
		"markdown":   "run incomplete",
		"json":       `"failed": true`,
		"sarif":      `"executionSuccessful": false`,
		"junit":      `<error message="file size in bytes`,
		"checkstyle": `source="crank-gate.run-error"`,
		"gitlab":     `"severity": "blocker"`,
	}
	for _, name := range Names() {
		out := string(render(t, name, r, Options{}))
		if !strings.Contains(out, want[name]) {
			t.Errorf("%s of a failed run lacks %q:\n%s", name, want[name], out)
		}
		if name == "tty" && strings.Contains(out, "pass") {
			t.Errorf("tty of a failed run says pass:\n%s", out)
		}
	}
	if bin := sariftest.Validator(t); bin != "" {
		p := filepath.Join(t.TempDir(), "failed.sarif")
		if err := os.WriteFile(p, render(t, "sarif", r, Options{}), 0o644); err != nil {
			t.Fatal(err)
		}
		sariftest.Validate(t, bin, p)
	}
	var buf bytes.Buffer
	if err := (jsonReporter{}).Write(&buf, r); err != nil || !strings.Contains(buf.String(), `"errors"`) {
		t.Errorf("json of a failed run has no errors list: %v\n%s", err, buf.String())
	}
}
