package secrets

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"

	"github.com/zricethezav/gitleaks/v8/config"
)

// Most of gitleaks' other rules are a token with a literal prefix
// (ghp_..., hvs...., ey...ey..., glpat-...), often as \b(TOKEN) followed by
// the template's terminator. A match of such a rule starts with one of the
// prefixes and, when TOKEN cannot match a newline, ends on that line (the
// terminator takes at most the line's newline). So the rule only needs the
// lines of prefix occurrences at which TOKEN itself matches.

// prefixRule returns r (a rule with a pattern) as a windowRule when every
// match starts with one of a small set of literal prefixes and stays on its
// line, else false.
func prefixRule(r config.Rule) (*windowRule, bool) {
	mode, body, flags := splitMode(r.Regex.String())
	// \b(TOKEN)TERMINATOR, or TOKEN alone.
	if strings.HasPrefix(body, `\b(`) && strings.HasSuffix(body, templateTail) {
		body = body[len(`\b(`) : len(body)-len(templateTail)]
	}
	re, err := syntax.Parse(body, flags)
	if err != nil || mayMatchNewline(re) || hasTextAnchor(re) {
		return nil, false
	}
	pre, ok := prefixLiterals(re, 64)
	if !ok {
		return nil, false
	}
	if len(r.Keywords) > 0 && !allContainKeyword(pre, r.Keywords) {
		return nil, false
	}
	return &windowRule{id: r.RuleID, keywords: pre, anchored: &lazyRegexp{pattern: mode + `^(?:` + body + `)`}, valuePattern: mode + body}, true
}

// lazyRegexp compiles its pattern on first use: most prefix rules never
// see their prefix in a scan, and compiling all of them costs about 4 ms
// before the first file.
type lazyRegexp struct {
	pattern string
	once    sync.Once
	re      *regexp.Regexp // nil if the pattern does not compile
}

// MatchString reports whether the pattern matches s, and true when the
// pattern does not compile (body parsed, so only size limits can fail it):
// a window too many costs time, a window too few would lose a match.
func (l *lazyRegexp) MatchString(s string) bool {
	l.once.Do(func() { l.re, _ = regexp.Compile(l.pattern) })
	return l.re == nil || l.re.MatchString(s)
}

// hasTextAnchor reports ^, $, \A or \z anywhere in re: in a window they
// would see the window's ends, not the fragment's.
func hasTextAnchor(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		return true
	}
	for _, s := range re.Sub {
		if hasTextAnchor(s) {
			return true
		}
	}
	return false
}
