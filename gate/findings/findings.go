// Package findings is the result model shared by every crank-gate engine:
// the Dockerfile linter today, image and secret scanners later. Reporters
// only ever see these types, so a new engine gets every output format for free.
package findings

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// Severity follows hadolint's four levels so that hadolint configuration
// (override, failure-threshold) maps one to one. Higher is more severe.
type Severity int

const (
	// None is below every real severity: "--fail-on none" and "off" overrides use it.
	None Severity = iota
	Style
	Info
	Warning
	Error
)

var severityNames = map[Severity]string{None: "none", Style: "style", Info: "info", Warning: "warning", Error: "error"}

func (s Severity) String() string {
	if n, ok := severityNames[s]; ok {
		return n
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// SeverityNames lists the accepted spellings, most severe first; flag help
// and config errors are built from it so they never drift from the parser.
func SeverityNames() []string { return []string{"error", "warning", "info", "style", "none"} }

// ParseSeverity accepts the hadolint spellings plus "off" (an alias of none,
// used in severity overrides to disable a rule).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info":
		return Info, nil
	case "style":
		return Style, nil
	case "none", "off", "ignore":
		return None, nil
	}
	return None, fmt.Errorf("unknown severity %q: use one of %s", s, strings.Join(SeverityNames(), ", "))
}

// MarshalText lets severities appear as words in JSON and YAML.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText is the inverse of MarshalText.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Finding is one problem at one place. Line and Column are 1-based; zero
// means unknown (reporters that require a location fall back to line 1).
type Finding struct {
	RuleID   string
	Severity Severity
	Path     string
	Line     int
	Column   int
	EndLine  int
	Message  string
	// Fingerprint identifies the finding across edits that only move lines:
	// it hashes the rule, the stage and the normalised instruction text.
	Fingerprint string
	// Engine names the producer ("crank-gate", later "trivy", "gitleaks");
	// SARIF emits one run per engine.
	Engine string
	// Stage is the build stage name or index, informational.
	Stage string
}

// Equivalents are the ids of the same check in other tools, so users can
// map existing ignore lists and dashboards.
type Equivalents struct {
	Hadolint []string `json:"hadolint,omitempty"`
	Trivy    []string `json:"trivy,omitempty"`
	Dockle   []string `json:"dockle,omitempty"`
	BuildKit []string `json:"buildkit,omitempty"`
}

// IsZero reports whether no equivalent is known.
func (e Equivalents) IsZero() bool {
	return len(e.Hadolint)+len(e.Trivy)+len(e.Dockle)+len(e.BuildKit) == 0
}

// RuleInfo is the rule metadata reporters need (SARIF rule descriptors,
// docs links) without depending on any engine's rule type.
type RuleInfo struct {
	ID          string
	Name        string
	Summary     string
	Severity    Severity
	HelpURI     string
	Engine      string
	Equivalents Equivalents
}

// Fingerprint hashes the parts that identify a finding independent of
// line numbers. Whitespace runs are collapsed so re-indenting does not
// create a "new" finding; occurrence separates identical instructions.
func Fingerprint(ruleID, stage, instructionText string, occurrence int) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d", ruleID, stage, strings.Join(strings.Fields(instructionText), " "), occurrence)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Summary counts findings by severity, the figure every reporter prints.
type Summary struct {
	Files    int            `json:"files"`
	Total    int            `json:"total"`
	BySev    map[string]int `json:"by_severity"`
	Failed   bool           `json:"failed"`
	FailOn   string         `json:"fail_on"`
	Suppress int            `json:"suppressed"`
}

// Summarize builds the Summary; failOn decides Failed (None never fails).
func Summarize(fs []Finding, files, suppressed int, failOn Severity) Summary {
	s := Summary{Files: files, Total: len(fs), BySev: map[string]int{}, FailOn: failOn.String(), Suppress: suppressed}
	for _, n := range []Severity{Error, Warning, Info, Style} {
		s.BySev[n.String()] = 0
	}
	for _, f := range fs {
		s.BySev[f.Severity.String()]++
		if failOn != None && f.Severity >= failOn {
			s.Failed = true
		}
	}
	return s
}

// Sort orders findings by path, line, column, rule so that every output is
// deterministic and diffs between runs stay small.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.RuleID < b.RuleID
	})
}
