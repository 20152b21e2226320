package check

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/crank-platform/terraform-provider-crank/gate/certs"
	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/lint"
	"github.com/crank-platform/terraform-provider-crank/gate/rules"
	"github.com/crank-platform/terraform-provider-crank/gate/safefile"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln"
	"github.com/crank-platform/terraform-provider-crank/gate/secrets"
)

// Engine names the gate's own findings (waivers) in reports.
const Engine = rules.Engine

// Rule ids of the gate's own findings.
const (
	RuleWaiverExpired = "CG9001"
	RuleWaiverUnused  = "CG9002"
)

// Categories a finding belongs to; thresholds are per category.
const (
	CatDockerfile = "dockerfile"
	CatImage      = "image"
	CatSecrets    = "secrets"
	CatVulns      = "vulnerabilities"
	CatPolicy     = "policy"
)

// VulnOpener opens the vulnerability scanner. It is injected because the
// only implementation (Trivy) needs GOEXPERIMENT=jsonv2; nil means this
// build cannot scan for vulnerabilities and an image target is an error.
type VulnOpener func(db VulnDB) (vuln.Scanner, func() error, error)

// ImageOpener resolves a reference to an image; release frees what it spooled.
type ImageOpener func(ctx context.Context, t ImageTarget) (img v1.Image, release func(), err error)

// ImageChecker runs image configuration and filesystem checks (secrets in
// files, ENV, labels and history included) on the image ImageOpener
// returned; nil skips them. t.Dockerfile is resolved against the policy's
// directory; cfg is the policy's lint config (severity overrides, ignores).
type ImageChecker func(ctx context.Context, img v1.Image, t ImageTarget, cfg *config.Config) (ImageCheck, error)

// ImageCheck is what an ImageChecker found. Findings without a Path get
// the image's location (its Dockerfile, else the policy file).
type ImageCheck struct {
	Findings []findings.Finding
	Rules    []findings.RuleInfo
	// Suppressed counts findings silenced by the lint config.
	Suppressed int
}

// Options configure one gate run.
type Options struct {
	Policy *Policy
	// NewOnly drops findings whose fingerprint is in the baseline.
	NewOnly bool
	// Vuln and the image hooks; see their types.
	Vuln       VulnOpener
	OpenImage  ImageOpener
	CheckImage ImageChecker
	Now        func() time.Time
	Progress   func(format string, args ...any)
	// VulnDB overrides the policy's DB settings field by field (CLI flags).
	VulnDBOverride *VulnDB
}

// Result is the gate's verdict with everything reporters need.
type Result struct {
	Findings []findings.Finding
	Rules    []findings.RuleInfo
	// Failing are the findings that fail the gate, per category.
	Failing map[string]int
	Files   int
	// Suppressed counts findings silenced by waivers, the baseline, inline
	// pragmas and ignore files.
	Suppressed int
	Baselined  int
	// DBError is set when the vulnerability DB was missing or stale: the
	// rest of the gate ran, but its verdict on vulnerabilities is unknown.
	DBError error
	// Notes are human-readable lines for stderr (unused ignores, skipped steps).
	Notes []string
}

// Failed reports whether any category failed.
func (r *Result) Failed() bool {
	for _, n := range r.Failing {
		if n > 0 {
			return true
		}
	}
	return false
}

// InputError means the gate could not run as configured (unreadable
// target, parse error, unopenable image): exit code 2.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputErr(format string, a ...any) error { return &InputError{Err: fmt.Errorf(format, a...)} }

type tagged struct {
	findings.Finding
	category string
	target   string
	failing  bool
}

// Run executes the policy. A returned error is an InputError or the
// context's; DB problems are reported in Result.DBError instead so the
// other categories still produce a report.
func Run(ctx context.Context, opt Options) (*Result, error) {
	p := opt.Policy
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(string, ...any) {}
	}
	res := &Result{Failing: map[string]int{}}
	var all []tagged
	ruleSet := map[string]findings.RuleInfo{}
	addRules := func(rs []findings.RuleInfo) {
		for _, r := range rs {
			key := r.Engine + "\x00" + r.ID
			if _, ok := ruleSet[key]; !ok {
				ruleSet[key] = r
			}
		}
	}

	// Dockerfiles.
	dfs, err := expandDockerfiles(p)
	if err != nil {
		return nil, err
	}
	var cfg *config.Config
	if len(dfs) > 0 || (len(p.Targets.Images) > 0 && opt.CheckImage != nil) {
		if cfg, _, err = config.Load(p.LintConfig, p.Dir); err != nil {
			return nil, inputErr("lint config: %v", err)
		}
	}
	if len(dfs) > 0 {
		progress("linting %d Dockerfile(s)", len(dfs))
		inputs := make([]lint.Input, 0, len(dfs))
		for _, f := range dfs {
			// Regular files only, bounded: a FIFO listed in the policy
			// would block the gate, a huge file exhaust it.
			data, err := safefile.ReadFile(f, int64(dockerfile.DefaultLimits().MaxBytes))
			if err != nil {
				return nil, inputErr("cannot read Dockerfile %s: %v", f, err)
			}
			inputs = append(inputs, lint.Input{Path: f, Data: data})
		}
		lr, errs := lint.Lint(inputs, lint.Options{Config: cfg})
		if lr == nil || len(errs) > 0 {
			msgs := []string{}
			for _, e := range errs {
				msgs = append(msgs, e.Error())
			}
			return nil, inputErr("linting Dockerfiles: %s", strings.Join(msgs, "; "))
		}
		res.Files += lr.Files
		res.Suppressed += lr.Suppressed
		addRules(lr.Rules)
		for _, f := range lr.Findings {
			all = append(all, tagged{Finding: f, category: CatDockerfile, target: f.Path, failing: f.Severity >= p.Thresholds.Dockerfile && p.Thresholds.Dockerfile != findings.None})
		}
	}

	// Source trees.
	for _, src := range p.Targets.Sources {
		dir := resolve(p.Dir, src)
		progress("scanning %s for secrets", dir)
		sr, err := secrets.Scan(ctx, secrets.Options{Path: dir})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, inputErr("%v", err)
		}
		// A tree scanned only in part has no verdict: as "crank-gate
		// secrets" without --skip-unreadable, unreadable paths fail.
		if len(sr.Unreadable) > 0 {
			msgs := make([]string, 0, len(sr.Unreadable))
			for _, u := range sr.Unreadable {
				msgs = append(msgs, u.Path+" ("+u.Reason+")")
			}
			return nil, inputErr("secrets target %s: %d path(s) cannot be read, so they were not scanned: %s; fix the permissions", dir, len(msgs), strings.Join(msgs, ", "))
		}
		for _, sk := range sr.Skipped {
			res.Notes = append(res.Notes, fmt.Sprintf("secrets: skipped %s: %s", sk.Path, sk.Reason))
		}
		res.Files += sr.Files
		addRules(secrets.Detected(sr))
		for _, f := range secrets.ToFindings(sr.Secrets) {
			all = append(all, tagged{Finding: f, category: CatSecrets, target: dir, failing: p.Thresholds.Secrets})
		}
	}

	// Certificates.
	if len(p.Targets.Certs) > 0 {
		progress("checking certificates")
		cs, n, err := runCertChecks(ctx, p, now())
		if err != nil {
			return nil, err
		}
		res.Files += n
		// CERT000 is the inventory of crank-gate certs; check reports problems only.
		for _, ri := range certs.RuleInfos() {
			if ri.ID != certs.CERT000.ID {
				addRules([]findings.RuleInfo{ri})
			}
		}
		all = append(all, cs...)
	}

	// Images.
	if len(p.Targets.Images) > 0 {
		var scanner vuln.Scanner
		closeScanner := func() error { return nil }
		if opt.Vuln == nil {
			return nil, inputErr("this crank-gate was built without vulnerability scanning (GOEXPERIMENT=jsonv2 unset) but the policy lists images: rebuild with GOEXPERIMENT=jsonv2")
		}
		db := p.VulnDB
		if o := opt.VulnDBOverride; o != nil {
			if o.Dir != "" {
				db.Dir = o.Dir
			}
			if o.MaxAge != 0 {
				db.MaxAge = o.MaxAge
			}
			if o.Server != "" {
				db.Server = o.Server
			}
			db.Offline = db.Offline || o.Offline
		}
		progress("loading the vulnerability DB")
		s, closer, err := opt.Vuln(db)
		if err != nil {
			if errors.Is(err, vuln.ErrDB) {
				res.DBError = err
			} else {
				return nil, inputErr("vulnerability scanner: %v", err)
			}
		} else {
			scanner, closeScanner = s, closer
		}
		defer func() { _ = closeScanner() }()
		open := opt.OpenImage
		if open == nil {
			open = DefaultImageOpener
		}
		filter := vuln.Filter{MinSeverity: p.Thresholds.Vulns.Severity, FixableOnly: p.Thresholds.Vulns.FixableOnly}
		for _, t := range p.Targets.Images {
			progress("reading image %s", t.Ref)
			img, release, err := open(ctx, t)
			if err != nil {
				return nil, inputErr("image %s: %v", t.Ref, err)
			}
			loc := imageLocation(p, t)
			if opt.CheckImage != nil {
				progress("checking image %s (configuration, layers, secrets)", t.Ref)
				rt := t
				if rt.Dockerfile != "" {
					rt.Dockerfile = resolve(p.Dir, rt.Dockerfile)
				}
				ic, err := opt.CheckImage(ctx, img, rt, cfg)
				if err != nil {
					release()
					if ctx.Err() != nil {
						return nil, ctx.Err()
					}
					return nil, inputErr("image %s: %v", t.Ref, err)
				}
				addRules(ic.Rules)
				res.Suppressed += ic.Suppressed
				for _, f := range ic.Findings {
					if f.Path == "" {
						f.Path = loc
					}
					all = append(all, tagged{Finding: f, category: CatImage, target: t.Ref, failing: f.Severity >= p.Thresholds.Image && p.Thresholds.Image != findings.None})
				}
			}
			if scanner != nil {
				progress("scanning image %s for vulnerabilities", t.Ref)
				vs, err := scanner.ScanImage(ctx, img, t.Ref)
				if err != nil {
					release()
					if ctx.Err() != nil {
						return nil, ctx.Err()
					}
					return nil, inputErr("image %s: %v", t.Ref, err)
				}
				kept, _, _ := filter.Apply(vs)
				addRules(vuln.Rules(kept))
				for _, f := range vuln.ToFindings(kept, t.Ref, loc) {
					all = append(all, tagged{Finding: f, category: CatVulns, target: t.Ref, failing: true})
				}
			}
			release()
		}
	}

	// Waivers.
	t := now()
	used := make([]bool, len(p.Waivers))
	kept := all[:0]
	for _, f := range all {
		waived := false
		for i, w := range p.Waivers {
			if !w.matches(f) {
				continue
			}
			used[i] = true
			if t.Before(w.Expires) {
				waived = true
			}
		}
		if waived {
			res.Suppressed++
			continue
		}
		kept = append(kept, f)
	}
	all = kept
	policyPath := p.Path
	if policyPath == "" {
		policyPath = DefaultPolicyFile
	}
	for i, w := range p.Waivers {
		switch {
		case !t.Before(w.Expires):
			msg := fmt.Sprintf("waiver for %s expired on %s (reason was %q): fix the finding or renew the waiver with a new expires date", w.ID, w.Expires.Format(time.DateOnly), w.Reason)
			all = append(all, tagged{Finding: policyFinding(RuleWaiverExpired, findings.Error, policyPath, w, msg), category: CatPolicy, failing: true})
		case !used[i]:
			msg := fmt.Sprintf("waiver for %s matched no finding: remove it from the policy", w.ID)
			all = append(all, tagged{Finding: policyFinding(RuleWaiverUnused, findings.Info, policyPath, w, msg), category: CatPolicy})
		}
	}
	addRules(PolicyRules())

	// Baseline.
	if opt.NewOnly {
		if p.Baseline == "" {
			return nil, inputErr("--new-only needs a baseline: set baseline: in the policy and create it with crank-gate baseline")
		}
		b, err := ReadBaseline(p.Baseline)
		if err != nil {
			return nil, inputErr("%v", err)
		}
		kept := all[:0]
		for _, f := range all {
			if f.category != CatPolicy && b.Has(f.Fingerprint) {
				res.Baselined++
				continue
			}
			kept = append(kept, f)
		}
		all = kept
	}

	for _, f := range all {
		res.Findings = append(res.Findings, f.Finding)
		if f.failing {
			res.Failing[f.category]++
		}
	}
	findings.Sort(res.Findings)
	for _, r := range ruleSet {
		res.Rules = append(res.Rules, r)
	}
	sort.Slice(res.Rules, func(i, j int) bool {
		if res.Rules[i].Engine != res.Rules[j].Engine {
			return res.Rules[i].Engine < res.Rules[j].Engine
		}
		return res.Rules[i].ID < res.Rules[j].ID
	})
	return res, nil
}

// matches: the id is a rule id or a fingerprint; the target (optional) is
// a glob over the finding's path or the image reference it came from.
func (w Waiver) matches(f tagged) bool {
	if f.category == CatPolicy {
		return false
	}
	if !strings.EqualFold(w.ID, f.RuleID) && w.ID != f.Fingerprint {
		return false
	}
	if w.Target == "" {
		return true
	}
	for _, cand := range []string{f.Path, f.target} {
		if cand == "" {
			continue
		}
		cand = filepath.ToSlash(cand)
		for _, t := range []string{w.Target, w.resolved} {
			if t == "" {
				continue
			}
			if cand == t || strings.HasPrefix(cand, strings.TrimSuffix(t, "/")+"/") {
				return true
			}
			if ok, _ := path.Match(t, cand); ok {
				return true
			}
		}
	}
	return false
}

func policyFinding(id string, sev findings.Severity, policyPath string, w Waiver, msg string) findings.Finding {
	return findings.Finding{
		RuleID:      id,
		Severity:    sev,
		Path:        policyPath,
		Line:        w.Line,
		Message:     msg,
		Fingerprint: findings.Fingerprint(id, w.Target, w.ID, 0),
		Engine:      Engine,
	}
}

// PolicyRules describe the gate's own findings.
func PolicyRules() []findings.RuleInfo {
	const doc = "https://github.com/crank-platform/terraform-provider-crank/blob/main/gate/docs/policy.md#waivers"
	return []findings.RuleInfo{
		{ID: RuleWaiverExpired, Name: "waiver-expired", Summary: "A waiver in the policy has expired", Severity: findings.Error, HelpURI: doc, Engine: Engine},
		{ID: RuleWaiverUnused, Name: "waiver-unused", Summary: "A waiver in the policy matched no finding", Severity: findings.Info, HelpURI: doc, Engine: Engine},
	}
}

// imageLocation is the file an image's results point at: its Dockerfile
// when the policy names one, else the policy file itself, so every SARIF
// result has a location in the repository.
func imageLocation(p *Policy, t ImageTarget) string {
	if t.Dockerfile != "" {
		return resolve(p.Dir, t.Dockerfile)
	}
	if p.Path != "" {
		return p.Path
	}
	return DefaultPolicyFile
}

func expandDockerfiles(p *Policy) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, g := range p.Targets.Dockerfiles {
		pat := resolve(p.Dir, g)
		matches, err := filepath.Glob(pat)
		if err != nil {
			return nil, inputErr("targets.dockerfiles: bad pattern %q: %v", g, err)
		}
		if len(matches) == 0 {
			return nil, inputErr("targets.dockerfiles: %q matches no file: fix the pattern or remove it", g)
		}
		sort.Strings(matches)
		for _, m := range matches {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// DefaultImageOpener reads oci:DIR[:TAG], docker-archive:FILE and registry
// references with go-containerregistry; the CLI replaces it with the image
// package's hardened sources.
func DefaultImageOpener(ctx context.Context, t ImageTarget) (v1.Image, func(), error) {
	nop := func() {}
	if t.Source != "" {
		t.Ref = t.Source
	}
	switch {
	case strings.HasPrefix(t.Ref, "oci:"):
		dir, tag := strings.TrimPrefix(t.Ref, "oci:"), ""
		if i := strings.LastIndex(dir, ":"); i > 0 {
			dir, tag = dir[:i], dir[i+1:]
		}
		lp, err := layout.FromPath(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("%s is not an OCI layout: %w", dir, err)
		}
		idx, err := lp.ImageIndex()
		if err != nil {
			return nil, nil, err
		}
		im, err := idx.IndexManifest()
		if err != nil {
			return nil, nil, err
		}
		for _, d := range im.Manifests {
			if tag == "" || d.Annotations["org.opencontainers.image.ref.name"] == tag {
				img, err := lp.Image(d.Digest)
				return img, nop, err
			}
		}
		return nil, nil, fmt.Errorf("no image tagged %q in %s", tag, dir)
	case strings.HasPrefix(t.Ref, "docker-archive:"):
		img, err := tarball.ImageFromPath(strings.TrimPrefix(t.Ref, "docker-archive:"), nil)
		return img, nop, err
	}
	ref, err := name.ParseReference(t.Ref)
	if err != nil {
		return nil, nil, err
	}
	img, err := remote.Image(ref, remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain))
	return img, nop, err
}
