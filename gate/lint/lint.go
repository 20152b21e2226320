// Package lint is the engine behind "crank-gate lint": it parses files,
// runs the selected rules, and applies configuration (severity overrides,
// ignores with expiry) and suppression pragmas from crank-gate, hadolint,
// BuildKit and Trivy.
package lint

import (
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/rules"
)

// Options select rules and feed the model.
type Options struct {
	Config *config.Config
	// Only runs just these rule ids, including rules that are off by default.
	Only      []string
	Target    string
	BuildArgs map[string]string
	Limits    dockerfile.Limits
	// Catalogue defaults to rules.All().
	Catalogue []rules.Rule
}

// Input is one Dockerfile to lint.
type Input struct {
	Path string
	Data []byte
}

// Result is the outcome of one run over several files.
type Result struct {
	Findings   []findings.Finding
	Suppressed int
	Files      int
	// Rules are the rules that ran, for reporters' metadata.
	Rules []findings.RuleInfo
}

// FileError is an input that could not be linted at all.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// Selection is the resolved rule set with effective severities.
type selection struct {
	rules  []rules.Rule
	active map[string]bool
}

func selectRules(opt Options) (selection, error) {
	cat := opt.Catalogue
	if cat == nil {
		cat = rules.All()
	}
	cfg := opt.Config
	// Ids match case-insensitively: BuildKit's checks keep BuildKit's
	// CamelCase names, configuration keys are upper-cased.
	known := map[string]string{}
	for _, r := range cat {
		known[strings.ToUpper(r.ID)] = r.ID
	}
	only := map[string]bool{}
	for _, id := range opt.Only {
		id = strings.ToUpper(strings.TrimSpace(id))
		if id == "" {
			continue
		}
		if known[id] == "" {
			return selection{}, fmt.Errorf("--only: unknown rule %q; run \"crank-gate rules\" for the list", id)
		}
		only[known[id]] = true
	}
	sel := selection{active: map[string]bool{}}
	for _, r := range cat {
		sev, overridden := cfg.Severity[strings.ToUpper(r.ID)]
		switch {
		case len(only) > 0:
			if !only[r.ID] && !(r.Builtin && r.ID == rules.CG0000.ID) {
				continue
			}
		case overridden && sev == findings.None:
			continue
		case !r.DefaultOn(cfg) && !overridden:
			continue
		}
		if overridden && sev != findings.None {
			r.Severity = sev
		}
		sel.rules = append(sel.rules, r)
		sel.active[r.ID] = true
	}
	return sel, nil
}

// Lint lints every input. Inputs that cannot be parsed are returned as
// FileErrors alongside the findings of the others, so one broken file
// does not hide the rest.
func Lint(inputs []Input, opt Options) (*Result, []error) {
	if opt.Config == nil {
		opt.Config = config.Default()
	}
	if opt.Catalogue == nil {
		// Built once per run: every file needs it to map foreign ids.
		opt.Catalogue = rules.All()
	}
	sel, err := selectRules(opt)
	if err != nil {
		return nil, []error{err}
	}
	type out struct {
		fs         []findings.Finding
		suppressed int
		err        error
	}
	outs := make([]out, len(inputs))
	usedIgnores := make([]bool, len(opt.Config.Ignores))
	var mu sync.Mutex
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < min(runtime.GOMAXPROCS(0), max(1, len(inputs))); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				fs, n, used, err := lintOne(inputs[i], opt, sel)
				outs[i] = out{fs, n, err}
				mu.Lock()
				for j, u := range used {
					usedIgnores[j] = usedIgnores[j] || u
				}
				mu.Unlock()
			}
		}()
	}
	for i := range inputs {
		work <- i
	}
	close(work)
	wg.Wait()

	res := &Result{}
	var errs []error
	for i, o := range outs {
		if o.err != nil {
			errs = append(errs, &FileError{Path: inputs[i].Path, Err: o.err})
			continue
		}
		res.Files++
		res.Findings = append(res.Findings, o.fs...)
		res.Suppressed += o.suppressed
	}
	res.Findings = append(res.Findings, ignoreBookkeeping(opt.Config, usedIgnores, sel)...)
	findings.Sort(res.Findings)
	for _, r := range sel.rules {
		res.Rules = append(res.Rules, r.Info())
	}
	return res, errs
}

// ignoreBookkeeping reports config ignores that expired (they no longer
// suppress) and ones that matched nothing in this run.
func ignoreBookkeeping(cfg *config.Config, used []bool, sel selection) []findings.Finding {
	var out []findings.Finding
	now := cfg.Now()
	for i, ig := range cfg.Ignores {
		switch {
		case !ig.Active(now) && sel.active[rules.CG0002.ID]:
			out = append(out, engineFinding(rules.CG0002, sel, ig.Source, 1,
				fmt.Sprintf("The ignore of %s (%q) expired on %s and no longer suppresses findings; fix them or extend the date", ig.Rule, ig.Reason, ig.Expires.AddDate(0, 0, -1).Format("2006-01-02")),
				"expired:"+ig.Rule+ig.Reason))
		case ig.Active(now) && !used[i] && sel.active[ig.Rule] && sel.active[rules.CG0001.ID]:
			out = append(out, engineFinding(rules.CG0001, sel, ig.Source, 1,
				fmt.Sprintf("The configured ignore of %s (%q) matched no finding; remove it", ig.Rule, ig.Reason),
				"unused-ignore:"+ig.Rule+ig.Reason))
		}
	}
	return out
}

func engineFinding(r rules.Rule, sel selection, path string, line int, msg, key string) findings.Finding {
	sev := r.Severity
	for _, x := range sel.rules {
		if x.ID == r.ID {
			sev = x.Severity
		}
	}
	return findings.Finding{RuleID: r.ID, Severity: sev, Path: path, Line: line, EndLine: line, Message: msg,
		Fingerprint: findings.Fingerprint(r.ID, "", key, 0), Engine: rules.Engine}
}

func lintOne(in Input, opt Options, sel selection) (fs []findings.Finding, suppressed int, usedIgnores []bool, err error) {
	f, err := dockerfile.Parse(in.Data, dockerfile.Options{Path: in.Path, BuildArgs: opt.BuildArgs, Target: opt.Target, Limits: opt.Limits})
	if err != nil {
		return nil, 0, nil, err
	}
	defer func() {
		// A bug in one rule must not take down a CI run silently or with
		// a stack trace only; it fails this file with a clear message.
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error while linting (please report it with this file): %v", p)
		}
	}()
	raw := rules.Run(f, sel.rules, opt.Config)
	if sel.active[rules.CG0000.ID] {
		for _, e := range f.Errors {
			raw = append(raw, engineFinding(rules.CG0000, sel, in.Path, e.Line, e.Message, fmt.Sprintf("%s", e.Message)))
			raw[len(raw)-1].EndLine = e.EndLine
		}
	}
	sevs := map[string]findings.Severity{}
	for _, r := range sel.rules {
		sevs[r.ID] = r.Severity
	}
	for i := range raw {
		if s, ok := sevs[raw[i].RuleID]; ok {
			raw[i].Severity = s
		}
	}
	// After the overrides: "# check=error=true" raises BuildKit's findings.
	raw = append(raw, buildkitFindings(f, in, opt, sel)...)

	var sups []*suppression
	if !opt.Config.DisableIgnorePragma {
		sups = collectSuppressions(f, opt.catalogue())
	}
	usedIgnores = make([]bool, len(opt.Config.Ignores))
	now := opt.Config.Now()
	for _, fd := range raw {
		if fd.RuleID == rules.CG0000.ID {
			fs = append(fs, fd)
			continue
		}
		hit := false
		for _, s := range sups {
			if s.covers(fd) {
				s.used, hit = true, true
			}
		}
		for j, ig := range opt.Config.Ignores {
			if strings.EqualFold(ig.Rule, fd.RuleID) && ig.Active(now) && ig.AppliesTo(in.Path) {
				usedIgnores[j], hit = true, true
			}
		}
		if hit {
			suppressed++
			continue
		}
		fs = append(fs, fd)
	}
	if sel.active[rules.CG0001.ID] {
		for _, s := range sups {
			if s.used || !s.mentionsActive(sel.active) {
				continue
			}
			fd := engineFinding(rules.CG0001, sel, in.Path, s.line,
				fmt.Sprintf("The suppression %q matched no finding; remove it or correct the rule id", s.text), s.text)
			fs = append(fs, fd)
		}
	}
	return fs, suppressed, usedIgnores, nil
}

// mentionsActive is true when the pragma names a rule that ran: a pragma
// for a rule outside --only, disabled, or not (yet) in our catalogue
// cannot be judged unused.
func (s *suppression) mentionsActive(active map[string]bool) bool {
	if s.all {
		return false
	}
	for id := range s.ids {
		if active[id] {
			return true
		}
	}
	return false
}

// catalogue is the catalogue used to map foreign ids.
func (o Options) catalogue() []rules.Rule {
	if o.Catalogue != nil {
		return o.Catalogue
	}
	return rules.All()
}
