package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/report/sariftest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sample() *Report {
	fs := []findings.Finding{
		{RuleID: "DL3006", Severity: findings.Warning, Path: "app/Dockerfile", Line: 1, EndLine: 1, Message: "Image \"debian\" has no tag; pin a version such as debian:<version>.", Fingerprint: "0f1e2d3c4b5a69788796a5b4c3d2e1f0", Engine: "crank-gate", Stage: "0"},
		{RuleID: "DL4006", Severity: findings.Warning, Path: "app/Dockerfile", Line: 4, Column: 5, EndLine: 4, Message: "A pipe without pipefail hides failures of curl | sh.", Fingerprint: "aa", Engine: "crank-gate", Stage: "build"},
		{RuleID: "CG0000", Severity: findings.Error, Path: "svc/my app.Dockerfile", Line: 2, EndLine: 3, Message: "time: invalid duration \"xx\" <&>.", Fingerprint: "bb", Engine: "crank-gate"},
		{RuleID: "CG0002", Severity: findings.Info, Path: ".crank-gate.yaml", Line: 0, Message: "The ignore expired", Fingerprint: "cc", Engine: "crank-gate"},
	}
	rules := []findings.RuleInfo{
		{ID: "CG0000", Name: "parse-error", Summary: "The instruction cannot be parsed by BuildKit.", Severity: findings.Error, HelpURI: "https://example.com/rules/CG0000.md", Engine: "crank-gate"},
		{ID: "CG0002", Name: "expired-ignore", Summary: "A configured ignore has expired.", Severity: findings.Warning, HelpURI: "https://example.com/rules/CG0002.md", Engine: "crank-gate"},
		{ID: "DL3006", Name: "untagged-from", Summary: "Always tag the version of an image explicitly.", Severity: findings.Warning, HelpURI: "https://example.com/rules/DL3006.md", Engine: "crank-gate",
			Equivalents: findings.Equivalents{Hadolint: []string{"DL3006"}, Trivy: []string{"DS001"}}},
		{ID: "DL4006", Name: "pipefail", Summary: "Set the SHELL option -o pipefail before RUN with a pipe in it.", Severity: findings.Warning, HelpURI: "https://example.com/rules/DL4006.md", Engine: "crank-gate"},
	}
	return &Report{
		Tool:     Tool{Name: "crank-gate", Version: "1.2.3", InformationURI: "https://github.com/crank-platform/terraform-provider-crank"},
		Findings: fs,
		Rules:    rules,
		Summary:  findings.Summarize(fs, 2, 1, findings.Warning),
	}
}

func render(t *testing.T, name string, r *Report, o Options) []byte {
	t.Helper()
	rep, err := New(name, o)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	cases := map[string]Options{"tty": {}, "tty-color": {Color: true}}
	for _, n := range Names() {
		if n != "tty" {
			cases[n] = Options{}
		}
	}
	for name, o := range cases {
		t.Run(name, func(t *testing.T) {
			format := strings.TrimSuffix(name, "-color")
			for _, variant := range []string{"", "-empty"} {
				r := sample()
				if variant != "" {
					r.Findings = nil
					r.Summary = findings.Summarize(nil, 1, 0, findings.Warning)
				}
				got := render(t, format, r, o)
				golden := filepath.Join("testdata", name+variant+".golden")
				if *update {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./gate/report -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from %s:\n%s", name+variant, golden, got)
				}
			}
		})
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := New("yaml", Options{}); err == nil || !strings.Contains(err.Error(), "sarif") {
		t.Errorf("err = %v", err)
	}
}

// TestSARIFValidator runs Microsoft's validator over our SARIF and fails on
// any error or warning it reports (notes such as "provide code snippets"
// or "URI not reachable" from this offline machine are advice, not faults). In CI a missing validator fails
// the test: SARIF that code scanning rejects must never ship silently.
func TestSARIFValidator(t *testing.T) {
	bin := sariftest.Validator(t)
	if bin == "" {
		t.Skip("sarif-multitool not installed (npm install -g @microsoft/sarif-multitool@5.7.0)")
	}
	dir := t.TempDir()
	for _, variant := range []string{"full", "empty", "dev"} {
		r := sample()
		switch variant {
		case "empty":
			r.Findings = nil
		case "dev":
			r.Tool.Version = "dev"
		}
		in := filepath.Join(dir, variant+".sarif")
		if err := os.WriteFile(in, render(t, "sarif", r, Options{}), 0o644); err != nil {
			t.Fatal(err)
		}
		sariftest.Validate(t, bin, in)
	}
}
