package check

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// Baseline is the set of known findings for new-findings-only mode. It is
// keyed by fingerprint (content-based for every engine), never by line, so
// moving code does not re-open a finding and new code is never hidden.
type Baseline struct {
	Version  int                      `json:"version"`
	Findings map[string]BaselineEntry `json:"findings"`
}

// BaselineEntry keeps enough context for a reviewer reading the file;
// only the key is used for matching. It never holds a secret.
type BaselineEntry struct {
	Rule   string `json:"rule"`
	Engine string `json:"engine"`
	Path   string `json:"path"`
}

// Has reports whether a fingerprint is known.
func (b *Baseline) Has(fp string) bool {
	_, ok := b.Findings[fp]
	return ok
}

// NewBaseline records every finding except the gate's own policy findings
// (an expired waiver must never become "known").
func NewBaseline(fs []findings.Finding) *Baseline {
	b := &Baseline{Version: 1, Findings: map[string]BaselineEntry{}}
	for _, f := range fs {
		if f.Engine == Engine && (f.RuleID == RuleWaiverExpired || f.RuleID == RuleWaiverUnused) {
			continue
		}
		b.Findings[f.Fingerprint] = BaselineEntry{Rule: f.RuleID, Engine: f.Engine, Path: filepath.ToSlash(f.Path)}
	}
	return b
}

// ReadBaseline loads a baseline file.
func ReadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("baseline %s does not exist: create it with crank-gate baseline", path)
		}
		return nil, fmt.Errorf("cannot read baseline: %w", err)
	}
	var b Baseline
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("baseline %s is not valid JSON: %v: recreate it with crank-gate baseline", path, err)
	}
	if b.Version != 1 {
		return nil, fmt.Errorf("baseline %s has version %d, want 1: recreate it with crank-gate baseline", path, b.Version)
	}
	if b.Findings == nil {
		b.Findings = map[string]BaselineEntry{}
	}
	return &b, nil
}

// MarshalIndent writes the baseline with sorted keys (encoding/json sorts
// map keys), so regenerating it gives small diffs.
func (b *Baseline) MarshalIndent() ([]byte, error) {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}
