package report

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

type sarifReporter struct{}

var _ Reporter = sarifReporter{}

// SARIFSchema is the final 2.1.0 schema URI (validators flag drafts).
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// srcRoot is the uriBaseId results are relative to; GitHub code scanning
// and sarif-multitool resolve it to the repository checkout.
const srcRoot = "SRCROOT"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	ColumnKind  string            `json:"columnKind"`
}

// sarifInvocation says whether the run completed. A failed run (input
// rejected, a budget exceeded, interrupted) has executionSuccessful false
// and its errors as notifications, so a consumer can tell "no results"
// from "nothing was checked".
type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri,omitempty"`
	Rules           []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	HelpURI              string         `json:"helpUri,omitempty"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration map[string]any `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
}

var sarifLevel = map[findings.Severity]string{findings.Error: "error", findings.Warning: "warning", findings.Info: "note", findings.Style: "note"}

// Write emits SARIF 2.1.0 with one run per engine, so that image and
// secret scanners added later appear as separate tools in code scanning.
func (sarifReporter) Write(w io.Writer, r *Report) error {
	byEngine := map[string][]findings.Finding{}
	engines := []string{}
	add := func(e string) {
		if _, ok := byEngine[e]; !ok {
			byEngine[e] = nil
			engines = append(engines, e)
		}
	}
	for _, ri := range r.Rules {
		add(engineOf(ri.Engine, r.Tool.Name))
	}
	for _, f := range r.Findings {
		e := engineOf(f.Engine, r.Tool.Name)
		add(e)
		byEngine[e] = append(byEngine[e], f)
	}
	if len(engines) == 0 {
		add(r.Tool.Name)
	}
	sort.Strings(engines)
	log := sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{}}
	for _, e := range engines {
		log.Runs = append(log.Runs, sarifRunFor(e, byEngine[e], r))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

func engineOf(e, fallback string) string {
	if e == "" {
		return fallback
	}
	return e
}

func sarifRunFor(engine string, fs []findings.Finding, r *Report) sarifRun {
	run := sarifRun{Results: []sarifResult{}, ColumnKind: "unicodeCodePoints"}
	inv := sarifInvocation{ExecutionSuccessful: !r.Incomplete()}
	for _, e := range r.Errors {
		n := sarifNotification{Level: "error", Message: sarifText{Text: sentence(e.Message)}}
		if e.Path != "" {
			n.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: artifact(e.Path)}}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	run.Invocations = []sarifInvocation{inv}
	d := &run.Tool.Driver
	d.Name = engine
	d.Rules = []sarifRule{}
	// The validator (SARIF2005) wants every run's tool to say its version
	// and where to read about it; an unreleased build ("dev") becomes the
	// semver pre-release 0.0.0-dev.
	tool := engineTool(engine, r)
	d.Version = strings.TrimPrefix(tool.Version, "v")
	if !isSemver(d.Version) {
		d.Version = "0.0.0-" + prerelease(tool.Version)
	}
	d.SemanticVersion = d.Version
	d.InformationURI = tool.InformationURI
	index := map[string]int{}
	addRule := func(ri findings.RuleInfo) int {
		if i, ok := index[ri.ID]; ok {
			return i
		}
		index[ri.ID] = len(d.Rules)
		props := map[string]any{"tags": []string{"dockerfile", "security"}}
		if !ri.Equivalents.IsZero() {
			props["equivalents"] = ri.Equivalents
		}
		summary := sentence(ri.Summary)
		help := summary
		if ri.HelpURI != "" {
			help = summary + " See " + ri.HelpURI + "."
		}
		d.Rules = append(d.Rules, sarifRule{
			ID:                   ri.ID,
			Name:                 pascal(ri.Name, ri.ID),
			ShortDescription:     sarifText{Text: summary},
			FullDescription:      sarifText{Text: summary},
			HelpURI:              ri.HelpURI,
			Help:                 sarifText{Text: help},
			DefaultConfiguration: map[string]any{"level": sarifLevel[ri.Severity]},
			Properties:           props,
		})
		return index[ri.ID]
	}
	for _, ri := range r.Rules {
		if engineOf(ri.Engine, r.Tool.Name) == engine {
			addRule(ri)
		}
	}
	for _, f := range fs {
		ri, ok := index[f.RuleID]
		if !ok {
			ri = addRule(findings.RuleInfo{ID: f.RuleID, Name: f.RuleID, Summary: f.RuleID + " finding.", Severity: f.Severity, Engine: engine})
		}
		reg := sarifRegion{StartLine: line(f), StartColumn: f.Column}
		if f.EndLine > reg.StartLine {
			reg.EndLine = f.EndLine
		}
		run.Results = append(run.Results, sarifResult{
			RuleID:              f.RuleID,
			RuleIndex:           ri,
			Level:               sarifLevel[f.Severity],
			Message:             sarifText{Text: sentence(f.Message)},
			Locations:           []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: artifact(f.Path), Region: &reg}}},
			PartialFingerprints: map[string]string{"crankGateFingerprint/v1": f.Fingerprint},
		})
	}
	return run
}

// artifact makes a relative, URI-escaped location under SRCROOT; absolute
// paths (files outside the working directory) become file: URIs.
func artifact(p string) sarifArtifact {
	if p == "" || p == "-" {
		p = "stdin"
	}
	// A network location (tls://host:port, https://host/) is already an
	// absolute URI: it is not under SRCROOT.
	if u, err := url.Parse(p); err == nil && u.Scheme != "" && u.Host != "" && strings.Contains(p, "://") {
		return sarifArtifact{URI: u.String()}
	}
	p = filepath.ToSlash(p)
	if strings.HasPrefix(p, "/") {
		return sarifArtifact{URI: (&url.URL{Scheme: "file", Path: p}).String()}
	}
	p = strings.TrimPrefix(p, "./")
	return sarifArtifact{URI: (&url.URL{Path: p}).EscapedPath(), URIBaseID: srcRoot}
}

func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s[len(s)-1:], ".!?") {
		return s
	}
	return s + "."
}

// pascal turns "untagged-from" into "UntaggedFrom": SARIF viewers show the
// name as a label and the validator expects PascalCase identifiers.
func pascal(name, fallback string) string {
	if name == "" {
		name = fallback
	}
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' || r == ' ' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func isSemver(v string) bool {
	v = strings.TrimPrefix(v, "v")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts[:2] {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// prerelease turns an arbitrary build label into a semver pre-release id.
func prerelease(v string) string {
	var b strings.Builder
	for _, r := range v {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "dev"
	}
	return b.String()
}

// thirdPartyEngines maps the engines crank-gate embeds to their Go module
// and home page; the version comes from the build, so it cannot drift from
// go.mod.
var thirdPartyEngines = map[string]struct{ module, uri string }{
	"gitleaks": {"github.com/zricethezav/gitleaks/v8", "https://github.com/gitleaks/gitleaks"},
	"trivy":    {"github.com/aquasecurity/trivy", "https://trivy.dev"},
}

// engineTool describes the tool behind one SARIF run: crank-gate's own
// engines share the report's tool version, embedded engines report theirs.
func engineTool(engine string, r *Report) Tool {
	tp, ok := thirdPartyEngines[engine]
	if !ok {
		return Tool{Name: engine, Version: r.Tool.Version, InformationURI: r.Tool.InformationURI}
	}
	version := "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == tp.module {
				version = dep.Version
				if dep.Replace != nil {
					version = dep.Replace.Version
				}
			}
		}
	}
	return Tool{Name: engine, Version: version, InformationURI: tp.uri}
}
