// Package vuln is the engine-neutral side of vulnerability scanning: the
// result type, severity threshold, fixable-only and ignore filtering, the
// DB-age gate and the mapping to findings. It deliberately does not import
// Trivy, so everything that only filters or reports (check, the CLI, tests)
// builds without GOEXPERIMENT=jsonv2; only gate/scanners/trivy does.
package vuln

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// Engine is the SARIF run name for vulnerability findings.
const Engine = "trivy"

// Severity is the advisory severity scale (not the linter's scale):
// vendors publish UNKNOWN..CRITICAL and thresholds are written in it.
type Severity int

const (
	Unknown Severity = iota
	Low
	Medium
	High
	Critical
)

var sevNames = []string{"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"}

func (s Severity) String() string {
	if int(s) < len(sevNames) && s >= 0 {
		return sevNames[s]
	}
	return "UNKNOWN"
}

// ParseSeverity accepts the advisory names in any case.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range sevNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Severity(i), nil
		}
	}
	return Unknown, fmt.Errorf("unknown vulnerability severity %q: use one of %s", s, strings.Join(sevNames, ", "))
}

// UnmarshalText lets policies write severities as words.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// MarshalText is the inverse of UnmarshalText.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Finding maps advisory severities onto the shared scale so one fail-on
// threshold can cover every engine: HIGH and CRITICAL block like lint errors.
func (s Severity) Finding() findings.Severity {
	switch s {
	case Critical, High:
		return findings.Error
	case Medium:
		return findings.Warning
	case Low:
		return findings.Info
	}
	return findings.Style
}

// Vulnerability is one advisory matching one installed package.
type Vulnerability struct {
	ID               string
	Package          string
	InstalledVersion string
	FixedVersion     string
	Severity         Severity
	Title            string
	// Target is where the package was found: "debian 12.5" for OS
	// packages, a lock file or binary path for language packages.
	Target string
	// Path is the file in the image the package list came from; SARIF
	// needs a file location for every result.
	Path      string
	Class     string // "os-pkgs" or "lang-pkgs"
	PkgType   string // dpkg, apk, gobinary, npm, ...
	LayerDiff string
}

// Fixable reports whether a fixed version is published.
func (v Vulnerability) Fixable() bool { return v.FixedVersion != "" }

// Scanner scans one image; gate/scanners/trivy implements it. The image
// is a go-containerregistry image so that the image checks and the
// vulnerability scan share one read of the layers.
type Scanner interface {
	ScanImage(ctx context.Context, img v1.Image, name string) ([]Vulnerability, error)
}

// Ignore silences one advisory, optionally for one package only. Reason is
// mandatory so an ignore always says why; an expired ignore stops working.
type Ignore struct {
	ID      string    `yaml:"id" json:"id"`
	Package string    `yaml:"package,omitempty" json:"package,omitempty"`
	Reason  string    `yaml:"reason" json:"reason"`
	Expires time.Time `yaml:"expires,omitempty" json:"expires,omitempty"`
}

// Filter is the severity threshold, fixable-only switch and ignore list.
type Filter struct {
	MinSeverity Severity
	FixableOnly bool
	Ignores     []Ignore
	Now         func() time.Time
}

// Notice is a message about the ignore list (expired, unused) that the
// CLI prints and check turns into findings.
type Notice struct {
	Ignore  Ignore
	Expired bool
	Unused  bool
}

func (n Notice) String() string {
	switch {
	case n.Expired:
		return fmt.Sprintf("ignore %s expired on %s and no longer suppresses anything (reason was %q): fix the package or extend expires", n.Ignore.ID, n.Ignore.Expires.Format(time.DateOnly), n.Ignore.Reason)
	default:
		return fmt.Sprintf("ignore %s matched no vulnerability: remove it", n.Ignore.ID)
	}
}

// Validate rejects ignores without an id or a reason.
func (f Filter) Validate() error {
	for i, ig := range f.Ignores {
		if ig.ID == "" {
			return fmt.Errorf("vulnerability ignore #%d has no id: give the CVE/GHSA id", i+1)
		}
		if strings.TrimSpace(ig.Reason) == "" {
			return fmt.Errorf("vulnerability ignore %s has no reason: say why it is acceptable", ig.ID)
		}
	}
	return nil
}

// Apply returns the vulnerabilities that pass the filter plus notices about
// expired and unused ignores.
func (f Filter) Apply(vs []Vulnerability) (kept []Vulnerability, ignored int, notices []Notice) {
	now := time.Now
	if f.Now != nil {
		now = f.Now
	}
	t := now()
	used := make([]bool, len(f.Ignores))
	expired := make([]bool, len(f.Ignores))
	for i, ig := range f.Ignores {
		expired[i] = !ig.Expires.IsZero() && !t.Before(ig.Expires)
	}
	for _, v := range vs {
		if v.Severity < f.MinSeverity || (f.FixableOnly && !v.Fixable()) {
			continue
		}
		suppressed := false
		for i, ig := range f.Ignores {
			if !strings.EqualFold(ig.ID, v.ID) || (ig.Package != "" && ig.Package != v.Package) {
				continue
			}
			used[i] = true
			if !expired[i] {
				suppressed = true
			}
		}
		if suppressed {
			ignored++
			continue
		}
		kept = append(kept, v)
	}
	for i, ig := range f.Ignores {
		switch {
		case expired[i]:
			notices = append(notices, Notice{Ignore: ig, Expired: true})
		case !used[i]:
			notices = append(notices, Notice{Ignore: ig, Unused: true})
		}
	}
	return kept, ignored, notices
}

// ToFindings maps vulnerabilities to findings. location is the file a SARIF
// result points at (a Dockerfile when known, else the package database
// path inside the image); image names the image in messages and, with the
// package and advisory, the fingerprint: the installed version is left out
// so a bump to another still-vulnerable version is not a "new" finding.
func ToFindings(vs []Vulnerability, image, location string) []findings.Finding {
	out := make([]findings.Finding, 0, len(vs))
	for _, v := range vs {
		fix := "no fix published yet"
		if v.Fixable() {
			fix = "fixed in " + v.FixedVersion
		}
		path := location
		if path == "" {
			path = v.Path
		}
		msg := fmt.Sprintf("%s %s in image %s (%s) has %s [%s, %s]", v.Package, v.InstalledVersion, image, v.Target, v.ID, v.Severity, fix)
		if v.Title != "" {
			msg += ": " + v.Title
		}
		out = append(out, findings.Finding{
			RuleID:      v.ID,
			Severity:    v.Severity.Finding(),
			Path:        path,
			Line:        1,
			Message:     msg,
			Fingerprint: findings.Fingerprint(v.ID, image, v.Package+"\x00"+v.Path, 0),
			Engine:      Engine,
			Stage:       image,
		})
	}
	findings.Sort(out)
	return out
}

// Rules describes each advisory that fired, for SARIF rule metadata.
func Rules(vs []Vulnerability) []findings.RuleInfo {
	seen := map[string]bool{}
	var out []findings.RuleInfo
	for _, v := range vs {
		if seen[v.ID] {
			continue
		}
		seen[v.ID] = true
		sum := v.ID + " in " + v.Package
		if v.Title != "" {
			sum = v.Title
		}
		out = append(out, findings.RuleInfo{ID: v.ID, Name: v.ID, Summary: sum, Severity: v.Severity.Finding(), HelpURI: helpURI(v.ID), Engine: Engine})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func helpURI(id string) string {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return "https://nvd.nist.gov/vuln/detail/" + id
	case strings.HasPrefix(id, "GHSA-"):
		return "https://github.com/advisories/" + id
	}
	return "https://avd.aquasec.com/nvd/" + strings.ToLower(id)
}

// ErrDB marks a missing, unreadable or stale vulnerability DB: the gate
// cannot say anything about vulnerabilities then, which is its own exit code.
var ErrDB = errors.New("vulnerability DB unusable")
