// Package config holds crank-gate's settings and reads them from
// .crank-gate.yaml and, for teams migrating, from .hadolint.yaml.
package config

import (
	"fmt"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// Config is the merged configuration. Rules read the policy fields; the
// lint engine applies FailOn, Severity and Ignores.
type Config struct {
	// FailOn is the lowest severity that makes "lint" exit 1.
	FailOn findings.Severity
	// Severity overrides a rule's severity; findings.None disables it.
	Severity map[string]findings.Severity
	// Ignores suppress rules for all files or a path glob.
	Ignores []Ignore
	// TrustedRegistries are registry patterns FROM may use (MatchRegistry):
	// "*" matches one DNS label ("*.gcr.io"), "**" any number of labels.
	// Empty means every registry.
	TrustedRegistries []string
	// SlimAllowlist are image-name patterns counted as slim bases.
	SlimAllowlist []string
	// RequiredUID is the numeric user the final stage must end as.
	RequiredUID string
	// RequireHealthcheck asks the final stage for a HEALTHCHECK (or an
	// explicit HEALTHCHECK NONE).
	RequireHealthcheck bool
	// LabelSchema maps required label names to a value type (text, url,
	// semver, hash, rfc3339, spdx, email), as hadolint's label-schema.
	LabelSchema map[string]string
	// StrictLabels reports labels not in LabelSchema (hadolint DL3049/DL3050).
	StrictLabels bool
	// Compat is "" (crank's behaviour) or CompatHadolint: every DL rule then
	// behaves as hadolint's does, dropping the documented differences
	// (stage scoping, ARG expansion, extra spellings), so a team migrating
	// can diff the two tools' output line for line.
	Compat string
	// BuildKitChecks turns on BuildKit's own checks (docker build --check)
	// in lint; they are off by default because they add about 60% to the
	// CPU time of a lint run (make bench-gate), over the 20% budget.
	BuildKitChecks bool
	// DisableIgnorePragma makes inline "# hadolint ignore=" and friends
	// inert, as hadolint's option of the same name.
	DisableIgnorePragma bool
	// Image holds the settings only image checks read; unset fields keep
	// the image package's defaults.
	Image ImageSettings
	// Now is the clock for "expires"; tests inject it.
	Now func() time.Time
}

// CompatHadolint is the Compat value that makes the DL rules hadolint-exact.
const CompatHadolint = "hadolint"

// HadolintCompat reports whether the DL rules must drop their documented
// differences from hadolint.
func (c *Config) HadolintCompat() bool { return c != nil && c.Compat == CompatHadolint }

// SetCompat validates and sets Compat; source names the file or flag for
// the error.
func (c *Config) SetCompat(v, source string) error {
	switch v {
	case "", "crank":
		c.Compat = ""
	case CompatHadolint:
		c.Compat = CompatHadolint
	default:
		return fmt.Errorf("%s: compat %q is not known: use \"hadolint\" to make the DL rules behave exactly as hadolint's, or leave it unset", source, v)
	}
	return nil
}

// ImageSettings is the "image:" section of .crank-gate.yaml. A nil field
// was not set; command-line flags override what is set here.
type ImageSettings struct {
	// MaxImageBytes is the uncompressed size budget (0 disables it).
	MaxImageBytes *int64
	// MaxLayers is the layer count budget (0 disables it).
	MaxLayers *int
	// SetuidAllowlist are accepted setuid/setgid path patterns.
	SetuidAllowlist []string
	// AllowedPorts are exposed ports accepted even when privileged.
	AllowedPorts []int
	// SecretSkipPaths, when set, replace the default paths whose file
	// contents are not scanned for secrets.
	SecretSkipPaths []string
	// MaxLayerBytes, MaxFileBytes and MaxEntries bound what a hostile
	// image can make the scan do; they must stay positive.
	MaxLayerBytes *int64
	MaxFileBytes  *int64
	MaxEntries    *int
	// MaxTotalBytes, MaxJSONBytes, MaxPathBytes, MaxPathIndexBytes and
	// MaxManifests are the other budgets of what is read (all layers,
	// one JSON document, one path name, all path names, one index).
	MaxTotalBytes     *int64
	MaxJSONBytes      *int64
	MaxPathBytes      *int64
	MaxPathIndexBytes *int64
	MaxManifests      *int
}

// Ignore suppresses Rule (for Paths matching, or everywhere).
type Ignore struct {
	Rule    string
	Paths   []string
	Reason  string
	Expires time.Time
	// Source says where the ignore came from, for messages.
	Source string
}

// Default is the platform policy: fail on warnings, numeric UID 1000 (the
// platform's worker:1000), and the usual slim bases.
func Default() *Config {
	return &Config{
		FailOn:             findings.Warning,
		Severity:           map[string]findings.Severity{},
		RequiredUID:        "1000",
		RequireHealthcheck: true,
		SlimAllowlist:      DefaultSlimAllowlist(),
		LabelSchema:        map[string]string{},
		Now:                time.Now,
	}
}

// DefaultSlimAllowlist is the default set of slim base-image patterns.
func DefaultSlimAllowlist() []string {
	return []string{
		"scratch",
		"gcr.io/distroless/**",
		"**/distroless/**",
		"cgr.dev/chainguard/**",
		"**/alpine",
		"alpine",
		"**/busybox",
		"busybox",
		"**:*-slim*",
		"**:*slim",
		"**:*-alpine*",
		"**:alpine*",
		"**:*-distroless*",
		"**/static",
		"registry.access.redhat.com/ubi*/ubi-micro",
		"registry.access.redhat.com/ubi*/ubi-minimal",
	}
}
