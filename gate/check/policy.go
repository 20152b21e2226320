// Package check is the CI quality gate: one policy file names what to scan
// (Dockerfiles, images, source trees), what fails the build per category,
// the waivers that are accepted for now, and a baseline of known findings.
package check

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln"
)

// DefaultPolicyFile is looked up in the working directory when --policy is not given.
const DefaultPolicyFile = "crank-gate.yaml"

// Policy is a parsed, validated crank-gate.yaml.
type Policy struct {
	// Path is the file the policy came from; relative targets are
	// resolved against its directory.
	Path       string
	Dir        string
	Targets    Targets
	Thresholds Thresholds
	VulnDB     VulnDB
	Waivers    []Waiver
	Baseline   string
	// LintConfig is a .crank-gate.yaml/.hadolint.yaml for the Dockerfile
	// rules (severity overrides, trusted registries); empty: search Dir.
	LintConfig string
	// Certs are the settings of the certificate targets (targets.certs).
	Certs CertsSettings
}

// CertsSettings are the certs: section: what crank-gate certs takes as
// flags, with paths resolved against the policy's directory.
type CertsSettings struct {
	Bundle, CRL        []string
	WarnDays, FailDays int
	Timeout            time.Duration
	SNI                string
	ClientCert         string
	ClientKey          string
	// P12PasswordEnv names the environment variable holding the PKCS#12
	// password; a policy file never holds the password itself.
	P12PasswordEnv string
}

// Targets are what the gate scans.
type Targets struct {
	Dockerfiles []string      `yaml:"dockerfiles"`
	Images      []ImageTarget `yaml:"images"`
	Sources     []string      `yaml:"sources"`
	// Certs are certificate files (globs) and TLS endpoints (HOST:PORT,
	// tls://HOST:PORT, https://HOST[:PORT]) for the certificate checks.
	Certs []string `yaml:"certs"`
}

// ImageTarget is an image reference plus what helps report on it.
type ImageTarget struct {
	Ref string `yaml:"ref"`
	// Dockerfile built the image; SARIF results for the image point at it
	// (code scanning rejects results without a file location).
	Dockerfile string `yaml:"dockerfile"`
	Platform   string `yaml:"platform"`
	// Source is Ref with a local path (oci:, docker-archive:) resolved
	// against the policy's directory; Ref stays as written for messages,
	// fingerprints and waivers, so they do not depend on the working directory.
	Source string `yaml:"-"`
}

// UnmarshalYAML accepts a bare reference as shorthand for {ref: ...}.
func (t *ImageTarget) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		t.Ref = n.Value
		return nil
	}
	type plain ImageTarget
	var p plain
	if err := decodeStrict(n, &p); err != nil {
		return err
	}
	*t = ImageTarget(p)
	return nil
}

// Thresholds decide, per category, which findings fail the gate.
type Thresholds struct {
	// Dockerfile fails on lint findings at or above this severity.
	Dockerfile findings.Severity
	// Image fails on image configuration and filesystem findings at or above this.
	Image findings.Severity
	// Secrets fails on any secret unless set to none.
	Secrets bool
	Vulns   VulnThreshold
	// Certs fails on certificate findings (CERTxxx) at or above this.
	Certs findings.Severity
}

// VulnThreshold fails on advisories at or above Severity (and, with
// FixableOnly, only when a fixed version exists).
type VulnThreshold struct {
	Severity    vuln.Severity `yaml:"severity"`
	FixableOnly bool          `yaml:"fixable-only"`
}

// VulnDB says where the vulnerability DB is and how old it may be.
type VulnDB struct {
	Dir     string
	MaxAge  time.Duration
	Offline bool
	// Server is a Trivy server URL whose DB is used instead of a local
	// one (Dir is then ignored); MaxAge applies to the server's DB.
	Server string
}

// Waiver accepts one finding (by rule id or fingerprint) on one target
// until it expires. Line is where it sits in the policy file.
type Waiver struct {
	ID      string
	Target  string
	Reason  string
	Expires time.Time
	Line    int
	// resolved is Target relative to the policy's directory, so a waiver
	// written next to the policy matches when the gate runs elsewhere.
	resolved string
}

type policyFile struct {
	Version    int            `yaml:"version"`
	Targets    Targets        `yaml:"targets"`
	Thresholds thresholdsFile `yaml:"thresholds"`
	VulnDB     vulnDBFile     `yaml:"vulnerability-db"`
	Waivers    []waiverFile   `yaml:"waivers"`
	Baseline   string         `yaml:"baseline"`
	LintConfig string         `yaml:"lint-config"`
	Certs      certsFile      `yaml:"certs"`
}

type certsFile struct {
	Bundle         []string `yaml:"bundle"`
	CRL            []string `yaml:"crl"`
	WarnDays       *int     `yaml:"warn-days"`
	FailDays       *int     `yaml:"fail-days"`
	Timeout        string   `yaml:"timeout"`
	SNI            string   `yaml:"sni"`
	ClientCert     string   `yaml:"client-cert"`
	ClientKey      string   `yaml:"client-key"`
	P12PasswordEnv string   `yaml:"p12-password-env"`
}

type thresholdsFile struct {
	Dockerfile *string        `yaml:"dockerfile"`
	Image      *string        `yaml:"image"`
	Secrets    *string        `yaml:"secrets"`
	Vulns      *VulnThreshold `yaml:"vulnerabilities"`
	Certs      *string        `yaml:"certs"`
}

type vulnDBFile struct {
	Dir     string `yaml:"dir"`
	MaxAge  string `yaml:"max-age"`
	Offline *bool  `yaml:"offline"`
	Server  string `yaml:"server"`
}

type waiverFile struct {
	ID      string `yaml:"id"`
	Target  string `yaml:"target"`
	Reason  string `yaml:"reason"`
	Expires string `yaml:"expires"`
}

// DefaultThresholds are the platform's: Dockerfile and image rules at
// warning, any secret, HIGH and above vulnerabilities that have a fix.
func DefaultThresholds() Thresholds {
	return Thresholds{
		Dockerfile: findings.Warning,
		Image:      findings.Warning,
		Secrets:    true,
		Vulns:      VulnThreshold{Severity: vuln.High, FixableOnly: true},
		Certs:      findings.Error,
	}
}

// LoadPolicy reads and validates a policy file.
func LoadPolicy(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("policy file %s not found: create it (see gate/docs/policy.md) or pass --policy FILE", path)
		}
		return nil, fmt.Errorf("cannot read policy %s: %w", path, err)
	}
	p, err := ParsePolicy(data, filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	p.Path = path
	return p, nil
}

var unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)

func decodeStrict(n *yaml.Node, v any) error {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	if err := enc.Encode(n); err != nil {
		return err
	}
	dec := yaml.NewDecoder(&buf)
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return cleanYAMLError(err, n.Line-1)
	}
	return nil
}

// cleanYAMLError rewrites yaml.v3's Go-centric wording ("field x not found
// in type check.policyFile") into what a policy author can act on.
func cleanYAMLError(err error, lineOffset int) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n")
	var out []string
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if lineOffset > 0 {
			var n int
			var rest string
			if _, e := fmt.Sscanf(l, "line %d:", &n); e == nil {
				_, rest, _ = strings.Cut(l, ":")
				l = fmt.Sprintf("line %d:%s", n+lineOffset, rest)
			}
		}
		l = unknownField.ReplaceAllString(l, "unknown key $1 (misspelt, or not supported; see gate/docs/policy.md for the accepted keys)")
		out = append(out, l)
	}
	return errors.New(strings.Join(out, "; "))
}

// ParsePolicy parses policy YAML; dir resolves relative paths.
func ParsePolicy(data []byte, dir string) (*Policy, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, cleanYAMLError(err, 0)
	}
	var pf policyFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&pf); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("the policy is empty: it needs at least targets (see gate/docs/policy.md)")
		}
		return nil, cleanYAMLError(err, 0)
	}
	if pf.Version != 1 {
		return nil, fmt.Errorf("version: %d is not supported: write version: 1", pf.Version)
	}
	p := &Policy{Dir: dir, Targets: pf.Targets, Baseline: pf.Baseline, Thresholds: DefaultThresholds(), LintConfig: pf.LintConfig}
	if len(p.Targets.Dockerfiles)+len(p.Targets.Images)+len(p.Targets.Sources)+len(p.Targets.Certs) == 0 {
		return nil, errors.New("targets: nothing to check: list dockerfiles, images, sources or certs")
	}
	for i, im := range p.Targets.Images {
		if strings.TrimSpace(im.Ref) == "" {
			return nil, fmt.Errorf("targets.images[%d]: ref is empty: give an image reference such as oci:build/image or registry.example/app:1.2", i)
		}
		p.Targets.Images[i].Source = im.Ref
		for _, tr := range []string{"oci:", "docker-archive:"} {
			if rest, ok := strings.CutPrefix(im.Ref, tr); ok {
				p.Targets.Images[i].Source = tr + resolve(dir, rest)
			}
		}
	}
	t := pf.Thresholds
	var err error
	if t.Dockerfile != nil {
		if p.Thresholds.Dockerfile, err = findings.ParseSeverity(*t.Dockerfile); err != nil {
			return nil, fmt.Errorf("thresholds.dockerfile: %w", err)
		}
	}
	if t.Image != nil {
		if p.Thresholds.Image, err = findings.ParseSeverity(*t.Image); err != nil {
			return nil, fmt.Errorf("thresholds.image: %w", err)
		}
	}
	if t.Secrets != nil {
		switch strings.ToLower(*t.Secrets) {
		case "any":
			p.Thresholds.Secrets = true
		case "none":
			p.Thresholds.Secrets = false
		default:
			return nil, fmt.Errorf("thresholds.secrets: %q is not supported: use any (fail on every secret) or none (report only)", *t.Secrets)
		}
	}
	if t.Vulns != nil {
		p.Thresholds.Vulns = *t.Vulns
	}
	if t.Certs != nil {
		if p.Thresholds.Certs, err = findings.ParseSeverity(*t.Certs); err != nil {
			return nil, fmt.Errorf("thresholds.certs: %w", err)
		}
	}
	if p.Certs, err = parseCertsSettings(pf.Certs, dir); err != nil {
		return nil, err
	}
	if pf.VulnDB.Dir != "" {
		p.VulnDB.Dir = resolve(dir, pf.VulnDB.Dir)
	}
	if pf.VulnDB.MaxAge != "" {
		if p.VulnDB.MaxAge, err = ParseAge(pf.VulnDB.MaxAge); err != nil {
			return nil, fmt.Errorf("vulnerability-db.max-age: %w", err)
		}
	}
	p.VulnDB.Server = pf.VulnDB.Server
	if pf.VulnDB.Offline != nil {
		p.VulnDB.Offline = *pf.VulnDB.Offline
	}
	if p.Baseline != "" {
		p.Baseline = resolve(dir, p.Baseline)
	}
	if p.LintConfig != "" {
		p.LintConfig = resolve(dir, p.LintConfig)
	}
	lines := waiverLines(&root)
	for i, w := range pf.Waivers {
		wv := Waiver{ID: strings.TrimSpace(w.ID), Target: w.Target, Reason: strings.TrimSpace(w.Reason), resolved: filepath.ToSlash(resolve(dir, w.Target))}
		if i < len(lines) {
			wv.Line = lines[i]
		}
		if wv.ID == "" {
			return nil, fmt.Errorf("waivers[%d] (line %d): id is empty: give a rule id (DL3008, CVE-2024-1234, github-pat) or a finding fingerprint", i, wv.Line)
		}
		if wv.Reason == "" {
			return nil, fmt.Errorf("waivers[%d] %s (line %d): reason is empty: say why the finding is acceptable", i, wv.ID, wv.Line)
		}
		if w.Expires == "" {
			return nil, fmt.Errorf("waivers[%d] %s (line %d): expires is missing: every waiver needs an end date (YYYY-MM-DD)", i, wv.ID, wv.Line)
		}
		if wv.Expires, err = parseDate(w.Expires); err != nil {
			return nil, fmt.Errorf("waivers[%d] %s (line %d): expires: %w", i, wv.ID, wv.Line, err)
		}
		p.Waivers = append(p.Waivers, wv)
	}
	return p, nil
}

func resolve(dir, p string) string {
	if filepath.IsAbs(p) || dir == "" || dir == "." {
		return p
	}
	return filepath.Join(dir, p)
}

// ParseAge accepts Go durations plus days ("7d"), the unit DB ages are
// usually thought in.
func ParseAge(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(d, "%d", &n); err == nil && n >= 0 && fmt.Sprint(n) == d {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a duration: write for example 24h or 7d", s)
	}
	return v, nil
}

// parseDate takes a day (the waiver ends at the start of that day, UTC)
// or a full RFC 3339 time.
func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date: write YYYY-MM-DD", s)
}

// waiverLines finds the line of each waivers entry so that expired and
// unused waivers are reported where they are written.
func waiverLines(root *yaml.Node) []int {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "waivers" && m.Content[i+1].Kind == yaml.SequenceNode {
			var out []int
			for _, it := range m.Content[i+1].Content {
				out = append(out, it.Line)
			}
			return out
		}
	}
	return nil
}

// parseCertsSettings validates the certs: section; the thresholds are
// those of crank-gate certs and are checked the same way.
func parseCertsSettings(f certsFile, dir string) (CertsSettings, error) {
	c := CertsSettings{WarnDays: 30, FailDays: 7, Timeout: 10 * time.Second, SNI: f.SNI, P12PasswordEnv: f.P12PasswordEnv}
	for _, b := range f.Bundle {
		c.Bundle = append(c.Bundle, resolve(dir, b))
	}
	for _, l := range f.CRL {
		c.CRL = append(c.CRL, resolve(dir, l))
	}
	if f.WarnDays != nil {
		c.WarnDays = *f.WarnDays
	}
	if f.FailDays != nil {
		c.FailDays = *f.FailDays
	}
	if c.WarnDays < 0 || c.FailDays < 0 || c.FailDays > c.WarnDays {
		return c, fmt.Errorf("certs: warn-days %d and fail-days %d: both must be >= 0 and fail-days at most warn-days", c.WarnDays, c.FailDays)
	}
	if f.Timeout != "" {
		d, err := time.ParseDuration(f.Timeout)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("certs.timeout: %q is not a positive duration: write for example 10s", f.Timeout)
		}
		c.Timeout = d
	}
	if (f.ClientCert == "") != (f.ClientKey == "") {
		return c, errors.New("certs: client-cert and client-key go together: give both or neither")
	}
	if f.ClientCert != "" {
		c.ClientCert, c.ClientKey = resolve(dir, f.ClientCert), resolve(dir, f.ClientKey)
	}
	return c, nil
}
