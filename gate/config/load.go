package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// File names searched in the working directory when --config is not given.
var (
	CrankFiles    = []string{".crank-gate.yaml", ".crank-gate.yml"}
	HadolintFiles = []string{".hadolint.yaml", ".hadolint.yml"}
)

// crankFile is the on-disk shape of .crank-gate.yaml.
type crankFile struct {
	FailOn              *string           `yaml:"fail-on"`
	Severity            map[string]string `yaml:"severity"`
	Ignore              []crankIgnore     `yaml:"ignore"`
	TrustedRegistries   []string          `yaml:"trusted-registries"`
	SlimAllowlist       []string          `yaml:"slim-allowlist"`
	RequiredUID         *string           `yaml:"required-uid"`
	RequireHealthcheck  *bool             `yaml:"require-healthcheck"`
	LabelSchema         map[string]string `yaml:"label-schema"`
	StrictLabels        *bool             `yaml:"strict-labels"`
	DisableIgnorePragma *bool             `yaml:"disable-ignore-pragma"`
	Compat              *string           `yaml:"compat"`
	BuildKitChecks      *bool             `yaml:"buildkit-checks"`
	Image               *imageFile        `yaml:"image"`
}

// imageFile is the "image:" section: sizes are strings with units
// ("1GiB"), as on the command line.
type imageFile struct {
	MaxImageSize    *string  `yaml:"max-image-size"`
	MaxLayers       *int     `yaml:"max-layers"`
	AllowSetuid     []string `yaml:"allow-setuid"`
	AllowedPorts    []int    `yaml:"allowed-ports"`
	SecretSkipPaths []string `yaml:"secret-skip-paths"`
	MaxLayerBytes   *string  `yaml:"max-layer-bytes"`
	MaxFileBytes    *string  `yaml:"max-file-bytes"`
	MaxEntries      *int     `yaml:"max-entries"`
	// The other budgets of what is read, named as the flags.
	MaxTotalBytes     *string `yaml:"max-total-bytes"`
	MaxJSONBytes      *string `yaml:"max-json-bytes"`
	MaxPathBytes      *string `yaml:"max-path-bytes"`
	MaxPathIndexBytes *string `yaml:"max-path-index-bytes"`
	MaxManifests      *int    `yaml:"max-manifests"`
}

type crankIgnore struct {
	Rule    string   `yaml:"rule"`
	Paths   []string `yaml:"paths"`
	Reason  string   `yaml:"reason"`
	Expires string   `yaml:"expires"`
}

// hadolintFile is hadolint's configuration; keys we do not act on are
// accepted so an existing file loads unchanged.
type hadolintFile struct {
	Ignored             []string            `yaml:"ignored"`
	Override            map[string][]string `yaml:"override"`
	TrustedRegistries   []string            `yaml:"trustedRegistries"`
	FailureThreshold    *string             `yaml:"failure-threshold"`
	LabelSchema         map[string]string   `yaml:"label-schema"`
	StrictLabels        *bool               `yaml:"strict-labels"`
	DisableIgnorePragma *bool               `yaml:"disable-ignore-pragma"`
	NoFail              *bool               `yaml:"no-fail"`
	NoColor             *bool               `yaml:"no-color"`
	Format              *string             `yaml:"format"`
	Verbose             *bool               `yaml:"verbose"`
}

// Load builds the configuration. With explicit set, only that file is read
// (hadolint format when its name contains "hadolint"); otherwise dir is
// searched for .hadolint.yaml and then .crank-gate.yaml, the latter winning.
// It returns the files read, for messages.
func Load(explicit, dir string) (*Config, []string, error) {
	cfg := Default()
	if explicit != "" {
		data, err := os.ReadFile(explicit)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot read config: %w", err)
		}
		if strings.Contains(strings.ToLower(filepath.Base(explicit)), "hadolint") {
			err = cfg.ApplyHadolint(data, explicit)
		} else {
			err = cfg.ApplyCrank(data, explicit)
		}
		return cfg, []string{explicit}, err
	}
	var read []string
	for _, group := range []struct {
		names []string
		apply func([]byte, string) error
	}{{HadolintFiles, cfg.ApplyHadolint}, {CrankFiles, cfg.ApplyCrank}} {
		for _, n := range group.names {
			p := filepath.Join(dir, n)
			data, err := os.ReadFile(p)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, nil, fmt.Errorf("cannot read config: %w", err)
			}
			if err := group.apply(data, p); err != nil {
				return nil, nil, err
			}
			read = append(read, p)
			break
		}
	}
	return cfg, read, nil
}

func strictDecode(data []byte, v any, source string) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: %v (check the key names against gate/docs/lint.md)", source, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return nil
}

// ApplyCrank merges a .crank-gate.yaml document into c.
func (c *Config) ApplyCrank(data []byte, source string) error {
	var f crankFile
	if err := strictDecode(data, &f, source); err != nil {
		return err
	}
	if f.FailOn != nil {
		s, err := findings.ParseSeverity(*f.FailOn)
		if err != nil {
			return fmt.Errorf("%s: fail-on: %v", source, err)
		}
		c.FailOn = s
	}
	for id, sev := range f.Severity {
		s, err := findings.ParseSeverity(sev)
		if err != nil {
			return fmt.Errorf("%s: severity.%s: %v", source, id, err)
		}
		c.Severity[strings.ToUpper(id)] = s
	}
	for i, ig := range f.Ignore {
		if ig.Rule == "" {
			return fmt.Errorf("%s: ignore[%d]: rule is required", source, i)
		}
		if strings.TrimSpace(ig.Reason) == "" {
			return fmt.Errorf("%s: ignore[%d] (%s): a reason is required so the next reader knows why", source, i, ig.Rule)
		}
		out := Ignore{Rule: strings.ToUpper(ig.Rule), Paths: ig.Paths, Reason: ig.Reason, Source: source}
		if ig.Expires != "" {
			t, err := time.Parse("2006-01-02", ig.Expires)
			if err != nil {
				return fmt.Errorf("%s: ignore[%d] (%s): expires %q must be a date like 2026-12-31", source, i, ig.Rule, ig.Expires)
			}
			// The ignore holds through the whole expiry day.
			out.Expires = t.Add(24 * time.Hour)
		}
		c.Ignores = append(c.Ignores, out)
	}
	if f.TrustedRegistries != nil {
		c.TrustedRegistries = f.TrustedRegistries
	}
	if f.SlimAllowlist != nil {
		c.SlimAllowlist = f.SlimAllowlist
	}
	if f.RequiredUID != nil {
		if _, ok := numeric(*f.RequiredUID); !ok {
			return fmt.Errorf("%s: required-uid %q must be a number such as 1000", source, *f.RequiredUID)
		}
		c.RequiredUID = *f.RequiredUID
	}
	if f.RequireHealthcheck != nil {
		c.RequireHealthcheck = *f.RequireHealthcheck
	}
	c.applyShared(f.LabelSchema, f.StrictLabels, f.DisableIgnorePragma)
	if f.Compat != nil {
		if err := c.SetCompat(*f.Compat, source); err != nil {
			return err
		}
	}
	if f.BuildKitChecks != nil {
		c.BuildKitChecks = *f.BuildKitChecks
	}
	if f.Image != nil {
		if err := c.Image.apply(f.Image); err != nil {
			return fmt.Errorf("%s: image.%v", source, err)
		}
	}
	return nil
}

func (s *ImageSettings) apply(f *imageFile) error {
	for _, sz := range []struct {
		key      string
		val      *string
		dst      **int64
		positive bool
	}{{"max-image-size", f.MaxImageSize, &s.MaxImageBytes, false}, {"max-layer-bytes", f.MaxLayerBytes, &s.MaxLayerBytes, true}, {"max-file-bytes", f.MaxFileBytes, &s.MaxFileBytes, true},
		{"max-total-bytes", f.MaxTotalBytes, &s.MaxTotalBytes, true}, {"max-json-bytes", f.MaxJSONBytes, &s.MaxJSONBytes, true},
		{"max-path-bytes", f.MaxPathBytes, &s.MaxPathBytes, true}, {"max-path-index-bytes", f.MaxPathIndexBytes, &s.MaxPathIndexBytes, true}} {
		if sz.val == nil {
			continue
		}
		n, err := ParseBytes(*sz.val)
		if err != nil {
			return fmt.Errorf("%s: %v", sz.key, err)
		}
		if sz.positive && n == 0 {
			return fmt.Errorf("%s: must be above 0: it bounds what a hostile image can make the gate do", sz.key)
		}
		*sz.dst = &n
	}
	for _, n := range []struct {
		key      string
		val      *int
		dst      **int
		positive bool
	}{{"max-layers", f.MaxLayers, &s.MaxLayers, false}, {"max-entries", f.MaxEntries, &s.MaxEntries, true}, {"max-manifests", f.MaxManifests, &s.MaxManifests, true}} {
		if n.val == nil {
			continue
		}
		if *n.val < 0 || (n.positive && *n.val == 0) {
			hint := "use a positive number"
			if !n.positive {
				hint += ", or 0 to disable the budget"
			}
			return fmt.Errorf("%s: %d is not allowed (%s)", n.key, *n.val, hint)
		}
		*n.dst = n.val
	}
	for i, pat := range f.AllowSetuid {
		if !strings.HasPrefix(pat, "/") && !strings.HasPrefix(pat, "**") {
			return fmt.Errorf("allow-setuid[%d]: %q must be an absolute path pattern such as /usr/bin/passwd or /opt/**/helper", i, pat)
		}
	}
	s.SetuidAllowlist = append(s.SetuidAllowlist, f.AllowSetuid...)
	for i, p := range f.AllowedPorts {
		if p <= 0 || p > 65535 {
			return fmt.Errorf("allowed-ports[%d]: %d is not a port number (1-65535)", i, p)
		}
	}
	s.AllowedPorts = append(s.AllowedPorts, f.AllowedPorts...)
	if f.SecretSkipPaths != nil {
		s.SecretSkipPaths = f.SecretSkipPaths
	}
	return nil
}

// ParseBytes reads a size: a number with an optional unit (B, KiB, MiB,
// GiB, TiB; K/KB, M/MB, G/GB are read as their binary equivalents).
func ParseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is not a size (examples: 0, 4096, 512MiB, 1GiB)", s)
	}
	return n * mult, nil
}

// ApplyHadolint merges a .hadolint.yaml document into c.
func (c *Config) ApplyHadolint(data []byte, source string) error {
	var f hadolintFile
	if err := strictDecode(data, &f, source); err != nil {
		return err
	}
	for _, id := range f.Ignored {
		c.Severity[strings.ToUpper(id)] = findings.None
	}
	for level, ids := range f.Override {
		s, err := findings.ParseSeverity(level)
		if err != nil {
			return fmt.Errorf("%s: override.%s: %v", source, level, err)
		}
		for _, id := range ids {
			c.Severity[strings.ToUpper(id)] = s
		}
	}
	if f.TrustedRegistries != nil {
		c.TrustedRegistries = f.TrustedRegistries
	}
	if f.FailureThreshold != nil {
		s, err := findings.ParseSeverity(*f.FailureThreshold)
		if err != nil {
			return fmt.Errorf("%s: failure-threshold: %v", source, err)
		}
		c.FailOn = s
	}
	if f.NoFail != nil && *f.NoFail {
		c.FailOn = findings.None
	}
	c.applyShared(f.LabelSchema, f.StrictLabels, f.DisableIgnorePragma)
	return nil
}

// applyShared merges the settings both file formats spell the same way.
func (c *Config) applyShared(labelSchema map[string]string, strictLabels, disableIgnorePragma *bool) {
	for k, v := range labelSchema {
		c.LabelSchema[k] = v
	}
	if strictLabels != nil {
		c.StrictLabels = *strictLabels
	}
	if disableIgnorePragma != nil {
		c.DisableIgnorePragma = *disableIgnorePragma
	}
}

func numeric(s string) (int, bool) {
	n := 0
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

var (
	globMu    sync.Mutex
	globCache = map[string]*regexp.Regexp{}
)

// Match reports whether s matches a path or image-name pattern: "**"
// matches anything, "*" anything but "/" (one path segment, dots
// included, so "**:*-slim*" matches "node:20.1-slim"). Path ignores and
// image patterns use it; registry patterns use MatchRegistry.
func Match(pattern, s string) bool {
	return globRegexp(pattern, false).MatchString(s)
}

// MatchRegistry reports whether a registry host, or an image name starting
// with one, matches a trusted-registry pattern. In the host part (up to the
// first "/") "*" matches exactly one DNS label ("*.gcr.io" matches eu.gcr.io
// but not a.b.gcr.io) and "**" any number of labels ("**.gcr.io"); after
// the host, Match's rules apply.
func MatchRegistry(pattern, s string) bool {
	return globRegexp(pattern, true).MatchString(s)
}

func globRegexp(pattern string, hostLabels bool) *regexp.Regexp {
	key := pattern
	if hostLabels {
		key = "host\x00" + pattern
	}
	globMu.Lock()
	defer globMu.Unlock()
	if re, ok := globCache[key]; ok {
		return re
	}
	var b strings.Builder
	b.WriteString("^")
	inHost := hostLabels
	for i := 0; i < len(pattern); i++ {
		switch {
		case strings.HasPrefix(pattern[i:], "**"):
			if inHost {
				b.WriteString("[^/]*")
			} else {
				b.WriteString(".*")
			}
			i++
		case pattern[i] == '*':
			if inHost {
				b.WriteString("[^./]*")
			} else {
				b.WriteString("[^/]*")
			}
		default:
			if pattern[i] == '/' {
				inHost = false
			}
			b.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
		}
	}
	b.WriteString("$")
	re := regexp.MustCompile(b.String())
	globCache[key] = re
	return re
}

// Active reports whether the ignore still applies at now.
func (i Ignore) Active(now time.Time) bool { return i.Expires.IsZero() || now.Before(i.Expires) }

// AppliesTo reports whether the ignore covers the file at path.
func (i Ignore) AppliesTo(path string) bool {
	if len(i.Paths) == 0 {
		return true
	}
	p := filepath.ToSlash(path)
	for _, pat := range i.Paths {
		if Match(pat, p) || Match(pat, filepath.Base(p)) {
			return true
		}
	}
	return false
}
