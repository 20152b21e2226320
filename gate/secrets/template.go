package secrets

import (
	"regexp/syntax"
	"strings"

	"github.com/zricethezav/gitleaks/v8/config"
)

// gitleaks builds about half of its rules (generic-api-key, sentry, etsy,
// lob, ...) from one template (cmd/generate/config/utils
// GenerateSemiGenericRegex):
//
//	(?i)[\w.-]{0,50}?(?:KEYWORDS)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:OPERATORS)[\x60'"\s=]{0,5}(VALUE)(?:[\x60'"\s;]|\\[nr]|$)
//
// A match of such a pattern starts on the line of its keyword (nothing
// before the keyword can cross a newline), its value starts at most
// len(keyword) + templateGap bytes after the keyword's first byte, and
// when VALUE cannot match a newline the match ends on the value's line.
// That is what lets the windowed path run these rules on a few lines
// around keyword occurrences only.
const (
	templateHead = `[\w.-]{0,50}?(?:`
	templateMid  = `)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}(`
	templateTail = `)(?:[\x60'"\s;]|\\[nr]|$)`
	// templateGap: [ \t\w.-]{0,20}, [\s'"]{0,3}, the longest operator
	// (":::=", 4) and [\x60'"\s=]{0,5}. Only the parts after the first can
	// hold newlines (at most 8).
	templateGap = 20 + 3 + 4 + 5
)

// windowRule is a rule of the template shape, ready for the windowed path.
type windowRule struct {
	id string
	// keywords are the lower-case strings the KEYWORDS group can match
	// (read case-insensitively, which only widens the set).
	keywords []string
	// reach: the value starts at most reach bytes after a keyword's first byte.
	reach int
	// value: also require the ten-character value generic-api-key's two
	// value forms start with (only for that rule, whose pattern is known).
	value bool
	// anchored is set for a prefix rule (prefix.go): the token pattern
	// anchored at a prefix occurrence, which must match there for a window.
	anchored *lazyRegexp
	// valuePattern is the VALUE part, or a prefix rule's whole token (tests
	// generate secrets from it).
	valuePattern string
}

// windowRuleFor returns r as a windowRule of either shape, else false.
// Multi-part rules (required rules, report-skipped parts) never qualify.
func windowRuleFor(r config.Rule) (*windowRule, bool) {
	if r.Regex == nil || len(r.RequiredRules) > 0 || r.SkipReport {
		return nil, false
	}
	if wr, ok := templateRule(r); ok {
		return wr, true
	}
	return prefixRule(r)
}

// splitMode splits a leading (?i) off a pattern: mode is "(?i)" or "",
// flags the syntax flags that parse body as the pattern reads it.
func splitMode(pat string) (mode, body string, flags syntax.Flags) {
	if rest, ok := strings.CutPrefix(pat, "(?i)"); ok {
		return "(?i)", rest, syntax.Perl | syntax.FoldCase
	}
	return "", pat, syntax.Perl
}

// templateRule returns r (a rule with a pattern) as a windowRule when its
// pattern has the template shape and the windowed path gives gitleaks'
// result for it, else false.
func templateRule(r config.Rule) (*windowRule, bool) {
	pat := r.Regex.String()
	mode, body, flags := splitMode(pat)
	if !strings.HasPrefix(body, templateHead) || !strings.HasSuffix(body, templateTail) {
		return nil, false
	}
	inner := body[len(templateHead) : len(body)-len(templateTail)]
	if strings.Count(inner, templateMid) != 1 {
		return nil, false
	}
	kwPat, valPat, _ := strings.Cut(inner, templateMid)
	// Each part must stand alone as a pattern: then the whole pattern is
	// the template around them, not a string that merely looks like it.
	kwRe, err := syntax.Parse(kwPat, flags)
	if err != nil {
		return nil, false
	}
	valRe, err := syntax.Parse(valPat, flags)
	if err != nil || mayMatchNewline(valRe) {
		return nil, false
	}
	kws, ok := literals(kwRe, 64)
	if !ok {
		return nil, false
	}
	// gitleaks runs a rule only when one of its keywords (config keywords,
	// not the pattern's) is in the text. In a window that must still be so
	// for every match: each match must contain a config keyword, either in
	// its KEYWORDS part or at the start of its VALUE (lob: "live_", "test_").
	if len(r.Keywords) > 0 && !allContainKeyword(kws, r.Keywords) {
		pre, ok := prefixLiterals(valRe, 64)
		if !ok || !allContainKeyword(pre, r.Keywords) {
			return nil, false
		}
	}
	longest := 0
	for _, k := range kws {
		if k == "" {
			return nil, false
		}
		longest = max(longest, len(k))
	}
	return &windowRule{
		id:       r.RuleID,
		keywords: kws,
		reach:    longest + templateGap,
		value:    r.RuleID == genericAPIKeyID && pat == genericAPIKeyPattern,
		// (?i) reaches into VALUE too.
		valuePattern: mode + valPat,
	}, true
}

func allContainKeyword(ss, keywords []string) bool {
	for _, s := range ss {
		found := false
		for _, k := range keywords {
			found = found || strings.Contains(s, strings.ToLower(k))
		}
		if !found {
			return false
		}
	}
	return true
}

// literals returns the lower-cased set of strings re matches when it is a
// small finite set of ASCII strings.
func literals(re *syntax.Regexp, limit int) ([]string, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}, true
	case syntax.OpLiteral:
		s := string(re.Rune)
		if !isASCII(s) {
			return nil, false
		}
		return []string{strings.ToLower(s)}, true
	case syntax.OpCharClass:
		var out []string
		seen := map[string]bool{}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] > 8 || re.Rune[i+1] > 127 {
				return nil, false
			}
			for c := re.Rune[i]; c <= re.Rune[i+1]; c++ {
				if s := strings.ToLower(string(c)); !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
		}
		return out, len(out) > 0 && len(out) <= limit
	case syntax.OpCapture:
		return literals(re.Sub[0], limit)
	case syntax.OpQuest:
		sub, ok := literals(re.Sub[0], limit)
		return append(sub, ""), ok && len(sub) < limit
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			sub, ok := literals(s, limit)
			if !ok {
				return nil, false
			}
			out = append(out, sub...)
		}
		return dedupe(out), len(out) <= limit
	case syntax.OpConcat:
		out := []string{""}
		for _, s := range re.Sub {
			sub, ok := literals(s, limit)
			if !ok || len(out)*len(sub) > limit {
				return nil, false
			}
			out = product(out, sub)
		}
		return dedupe(out), true
	}
	return nil, false
}

// prefixLiterals returns lower-cased strings of which every match of re
// starts with one: leading literal parts of concatenations, through
// captures and alternations, while they are small literal sets.
func prefixLiterals(re *syntax.Regexp, limit int) ([]string, bool) {
	out, _, ok := prefixes(re, limit)
	if !ok || len(out) == 0 {
		return nil, false
	}
	for _, p := range out {
		if p == "" {
			return nil, false
		}
	}
	return out, true
}

// prefixes returns the prefix set of re, whether it is all of re (so a
// concatenation may go on after it), and false when it cannot say.
func prefixes(re *syntax.Regexp, limit int) (set []string, complete, ok bool) {
	switch re.Op {
	case syntax.OpCapture:
		return prefixes(re.Sub[0], limit)
	case syntax.OpConcat:
		acc := []string{""}
		for _, s := range re.Sub {
			p, complete, ok := prefixes(s, limit)
			if !ok || len(acc)*len(p) > limit {
				return acc, false, true
			}
			acc = dedupe(product(acc, p))
			if !complete {
				return acc, false, true
			}
		}
		return acc, true, true
	case syntax.OpAlternate:
		var out []string
		complete := true
		for _, s := range re.Sub {
			p, c, ok := prefixes(s, limit)
			if !ok {
				return nil, false, false
			}
			out = append(out, p...)
			complete = complete && c
		}
		out = dedupe(out)
		return out, complete, len(out) <= limit
	}
	if lits, ok := literals(re, limit); ok {
		return lits, true, true
	}
	return []string{""}, false, true
}

func product(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] > 127 {
			return false
		}
	}
	return true
}

// mayMatchNewline reports whether some match of re can contain a newline.
func mayMatchNewline(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		return strings.ContainsRune(string(re.Rune), '\n')
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= '\n' && '\n' <= re.Rune[i+1] {
				return true
			}
		}
		return false
	case syntax.OpAnyChar:
		return true
	case syntax.OpAnyCharNotNL, syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpNoMatch:
		return false
	}
	for _, s := range re.Sub {
		if mayMatchNewline(s) {
			return true
		}
	}
	return false
}
