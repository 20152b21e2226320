package secrets

import (
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
func hoistAllowlists(cfg config.Config) (config.Config, []*config.Allowlist) {
	var kept, hoisted []*config.Allowlist
	for _, a := range cfg.Allowlists {
		if a.MatchCondition != config.AllowlistMatchOr || len(a.Paths) == 0 && len(a.Commits) == 0 {
			kept = append(kept, a)
			continue
		}
		hoisted = append(hoisted, a)
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
func pathAllowed(hoisted []*config.Allowlist, f detect.Fragment) bool {
	if f.FilePath == "" && f.CommitSHA == "" {
		return false
	}
	for _, a := range hoisted {
		if ok, _ := a.CommitAllowed(f.CommitSHA); ok {
			return true
		}
		if a.PathAllowed(f.FilePath) || f.WindowsFilePath != "" && a.PathAllowed(f.WindowsFilePath) {
			return true
		}
	}
	return false
}
