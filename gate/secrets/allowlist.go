package secrets

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
)

// gitleaks checks a fragment's path and commit against the global
// allowlists on every DetectContext call. The fast path makes several
// calls per fragment (the rest detector, rule detectors), and the default
// allowlist's 25 path patterns cost about a tenth of a scan's CPU time
// when checked on every call. So the path and commit parts of the global
// allowlists with the OR condition (any one part allows) are checked once
// per fragment (pathAllowed), and the detectors of the fast path get those
// allowlists with their regexes and stop words only, which gitleaks checks
// per finding. Allowlists with the AND condition stay as they are.

// hoistAllowlists returns cfg with the path and commit parts of its OR
// allowlists removed, and the allowlists whose parts were removed.
func hoistAllowlists(cfg config.Config) (config.Config, []*hoistedAllowlist) {
	var kept []*config.Allowlist
	var hoisted []*hoistedAllowlist
	for _, a := range cfg.Allowlists {
		if a.MatchCondition != config.AllowlistMatchOr || len(a.Paths) == 0 && len(a.Commits) == 0 {
			kept = append(kept, a)
			continue
		}
		hoisted = append(hoisted, &hoistedAllowlist{a: a})
		if len(a.Regexes) == 0 && len(a.StopWords) == 0 {
			continue
		}
		rest := &config.Allowlist{
			Description:    a.Description,
			MatchCondition: a.MatchCondition,
			RegexTarget:    a.RegexTarget,
			Regexes:        a.Regexes,
			StopWords:      a.StopWords,
		}
		if err := rest.Validate(); err != nil {
			// Cannot happen (it has regexes or stop words); keep the
			// allowlist whole rather than drop a part of it.
			kept = append(kept, a)
			hoisted = hoisted[:len(hoisted)-1]
			continue
		}
		kept = append(kept, rest)
	}
	cfg.Allowlists = kept
	return cfg, hoisted
}

// pathAllowed reports whether one of the hoisted allowlists allows f's
// path or commit, as gitleaks' checkCommitOrPathAllowed does: then
// gitleaks finds nothing in f.
func pathAllowed(hoisted []*hoistedAllowlist, f detect.Fragment) bool {
	if f.FilePath == "" && f.CommitSHA == "" {
		return false
	}
	for _, h := range hoisted {
		if ok, _ := h.a.CommitAllowed(f.CommitSHA); ok {
			return true
		}
		if h.pathAllowed(f.FilePath) || f.WindowsFilePath != "" && h.pathAllowed(f.WindowsFilePath) {
			return true
		}
	}
	return false
}

// hoistedAllowlist is a global allowlist whose paths the fast path checks.
// gitleaks joins an allowlist's path patterns into one (without a group
// per pattern, so a (?i) in one pattern carries into the ones after it)
// and searches every file path with it. Every default pattern ends with
// $, but Go's regexp tries each start position of an unanchored pattern:
// about 40 µs a path for the default list, more than the scan of a small
// file. The same pattern reversed and run over the reversed path is
// anchored at its start, and matches exactly when the original does.
type hoistedAllowlist struct {
	a    *config.Allowlist
	once sync.Once
	rev  *regexp.Regexp // nil: use a.PathAllowed
}

func (h *hoistedAllowlist) pathAllowed(path string) bool {
	h.once.Do(func() { h.rev = reversedPaths(h.a) })
	if h.rev == nil || path == "" || !utf8.ValidString(path) {
		return h.a.PathAllowed(path)
	}
	rs := []rune(path)
	slices.Reverse(rs)
	return h.rev.MatchString(string(rs))
}

// reversedPaths returns a's joined path pattern, as gitleaks' joinRegexOr
// writes it, reversed; nil if a has no paths.
func reversedPaths(a *config.Allowlist) *regexp.Regexp {
	if len(a.Paths) == 0 {
		return nil
	}
	parts := make([]string, len(a.Paths))
	for i, p := range a.Paths {
		parts[i] = p.String()
	}
	re, err := syntax.Parse("(?:"+strings.Join(parts, "|")+")", syntax.Perl)
	if err != nil {
		return nil
	}
	rev, err := regexp.Compile(reverseRegexp(re).String())
	if err != nil {
		return nil
	}
	return rev
}

// reverseRegexp returns a pattern that matches the reverse of exactly the
// strings re matches: concatenations and literals run backwards, and the
// start and end assertions trade places.
func reverseRegexp(re *syntax.Regexp) *syntax.Regexp {
	r := *re
	r.Sub = make([]*syntax.Regexp, len(re.Sub))
	for i, s := range re.Sub {
		r.Sub[i] = reverseRegexp(s)
	}
	switch re.Op {
	case syntax.OpConcat:
		slices.Reverse(r.Sub)
	case syntax.OpLiteral:
		r.Rune = slices.Clone(re.Rune)
		slices.Reverse(r.Rune)
	case syntax.OpBeginLine:
		r.Op = syntax.OpEndLine
	case syntax.OpEndLine:
		r.Op = syntax.OpBeginLine
	case syntax.OpBeginText:
		r.Op = syntax.OpEndText
		r.Flags &^= syntax.WasDollar
	case syntax.OpEndText:
		r.Op = syntax.OpBeginText
	}
	return &r
}
