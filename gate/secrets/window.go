package secrets

import (
	"context"
	"sort"
	"strings"

	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/detect/codec"
	"github.com/zricethezav/gitleaks/v8/report"
)

// gitleaks runs every rule whose keyword occurs anywhere in a file over the
// whole file. For its generic-api-key rule that is most of the scan: the
// keywords ("key", "token", "auth", ...) are in nearly every source file,
// and the pattern is long and case-insensitive (about half the CPU time of
// a scan of Go source with Go's regexp, profiled).
//
// Every match of that pattern starts on a line that holds one of its
// keywords (nothing before the keyword can cross a newline), and its value
// starts at most genericReach bytes after the keyword's first byte and
// ends on the line it starts on. So running the rule only over windows of
// lines around keyword occurrences (genericMayMatch drops the occurrences
// no match can use) finds exactly the matches it finds over the whole
// file, with the same lines and columns, and the rest of the file is never
// read by it. The windows of a fragment go to gitleaks as one text
// (windowText) that keeps every line number. The other rules still see
// whole files.
//
// The fast path is taken only when it is provably the same as gitleaks:
//   - the rule's pattern is byte for byte the one gitleaks ships (a custom
//     rule under the same ID goes the usual way);
//   - no other rule lists it as a required rule;
//   - the fragment has nothing for gitleaks' decoder (base64, hex, ...):
//     decoded passes run every rule over the whole decoded text, so a
//     fragment with encoded segments is scanned by the unchanged detector;
//   - the fragment is under the detector's size limit, if any;
//   - the fragment has no character that case-folds to an ASCII letter
//     of a keyword (the Kelvin sign and the long s).
// window_test.go checks equality with the unchanged detector on real
// source, constructed edge cases and random text, and FuzzWindowed on any.

// genericAPIKeyID and genericAPIKeyPattern are gitleaks v8.30.1's rule; a
// test fails if the embedded default config changes either, so an upgrade
// cannot silently leave a stale copy here.
const (
	genericAPIKeyID      = "generic-api-key"
	genericAPIKeyPattern = `(?i)[\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)`
)

// genericReach bounds the distance from the first byte of a keyword to the
// first byte of the value in a match: the longest keyword ("credential",
// 10) plus [ \t\w.-]{0,20}, [\s'"]{0,3}, the longest operator (":::=", 4)
// and [\x60'"\s=]{0,5}. Only those last parts can hold newlines (at most 8);
// the value ([\w.=-]{10,150} or [a-z0-9][a-z0-9+/]{11,}) cannot.
const genericReach = 10 + 20 + 3 + 4 + 5

// genericAnchors are lower-case strings of which every match of the
// pattern contains at least one, on its first line: the keyword group
// read case-insensitively ("passw" covers passwd and password, "cred"
// covers credential and creds, "api" the three spellings of the
// case-sensitive branch).
var genericAnchors = []string{"access", "api", "auth", "cred", "key", "passw", "secret", "token"}

// windowed is the fast path: rest holds every rule but the windowed one,
// win holds only the windowed one. Both never decode: fragments that
// need decoding go to the full detector.
type windowed struct {
	rest, win *detect.Detector
}

// newWindowed returns the fast path for cfg, or nil when it does not apply.
func newWindowed(ctx context.Context, cfg config.Config) *windowed {
	r, ok := cfg.Rules[genericAPIKeyID]
	if !ok || r.Regex == nil || r.Regex.String() != genericAPIKeyPattern || len(r.RequiredRules) > 0 || r.SkipReport || r.Path != nil {
		return nil
	}
	for _, other := range cfg.Rules {
		for _, req := range other.RequiredRules {
			if req.RuleID == genericAPIKeyID {
				return nil
			}
		}
	}
	rest, win := cfg, cfg
	rest.Rules = make(map[string]config.Rule, len(cfg.Rules)-1)
	rest.Keywords = map[string]struct{}{}
	for id, rule := range cfg.Rules {
		if id == genericAPIKeyID {
			continue
		}
		rest.Rules[id] = rule
		for _, k := range rule.Keywords {
			rest.Keywords[strings.ToLower(k)] = struct{}{}
		}
	}
	win.Rules = map[string]config.Rule{genericAPIKeyID: r}
	win.Keywords = map[string]struct{}{}
	for _, k := range r.Keywords {
		win.Keywords[strings.ToLower(k)] = struct{}{}
	}
	return &windowed{
		rest: detect.NewDetectorContext(ctx, rest),
		win:  detect.NewDetectorContext(ctx, win),
	}
}

// detect scans one fragment the way full would, returning ok=false when
// the fragment must go to full instead.
func (w *windowed) detect(ctx context.Context, full *detect.Detector, f detect.Fragment) ([]report.Finding, bool) {
	// rest and win keep gitleaks' defaults (gitleaks:allow honoured, no
	// redaction, no size limit), which is what Scan and ScanContent use.
	if full.IgnoreGitleaksAllow || full.Redact > 0 || full.MaxTargetMegaBytes > 0 && len(f.Raw)/1_000_000 > full.MaxTargetMegaBytes {
		return nil, false
	}
	// Under (?i) Go's regexp and RE2 fold K (U+212A, Kelvin) with k and
	// ſ (U+017F, long s) with s, in the keywords and in \w: text with
	// either can hold a keyword the ASCII anchors miss, and wider
	// characters than genericReach counts.
	if strings.Contains(f.Raw, "\u212a") || strings.Contains(f.Raw, "\u017f") {
		return nil, false
	}
	if full.MaxDecodeDepth > 0 && mayDecode(f.Raw) {
		if _, segs := codec.NewDecoder().Decode(f.Raw, nil); len(segs) > 0 {
			return nil, false
		}
	}
	found := w.rest.DetectContext(ctx, f)
	var generic []report.Finding
	if ws := lineWindows(f.Raw, genericAnchors, genericReach, genericMayMatch); len(ws) > 0 {
		sub := f
		sub.Raw = windowText(f.Raw, ws)
		sub.Bytes = nil
		generic = w.win.DetectContext(ctx, sub)
	}
	// As gitleaks' filter: a generic finding gives way to a specific rule's
	// finding on the same line whose secret contains it.
	for _, g := range generic {
		if !shadowed(g, found) {
			found = append(found, g)
		}
	}
	return found, true
}

func shadowed(g report.Finding, specific []report.Finding) bool {
	for _, s := range specific {
		if s.StartLine == g.StartLine && s.Commit == g.Commit && s.RuleID != g.RuleID &&
			strings.Contains(s.Secret, g.Secret) && !strings.Contains(strings.ToLower(s.RuleID), "generic") {
			return true
		}
	}
	return false
}

// window is a byte range of a fragment.
type window struct{ start, end int }

// windowText is raw with the text between windows replaced by a stop
// byte and the newlines of that text: one detector call covers all
// windows of a fragment, every line keeps its line number and every window
// line its offset from the newline before it, so gitleaks computes the
// same lines, columns and Line text as in raw. The stop byte ('#') is in
// none of the pattern's classes, so a match cannot run from one window
// into the replaced text (newlines alone could: the pattern takes them in
// its gaps), just as it cannot run past the end of a window on its own.
func windowText(raw string, ws []window) string {
	var b strings.Builder
	b.Grow(len(raw) / 2)
	prev := 0
	for _, w := range ws {
		if prev < w.start {
			b.WriteByte(windowStop)
			for n := strings.Count(raw[prev:w.start], "\n"); n > 0; n-- {
				b.WriteByte('\n')
			}
		}
		b.WriteString(raw[w.start:w.end])
		prev = w.end
	}
	if prev < len(raw) {
		b.WriteByte(windowStop)
	}
	return b.String()
}

const windowStop = '#'

// lineWindows returns merged byte ranges of raw that hold every match of a
// pattern whose matches start on a line containing an anchor occurrence
// that accept lets through (accept sees the ASCII-lower-cased text, the
// occurrence's offset and the anchor; it must let through every
// occurrence a match can use), and whose value starts at most reach bytes
// after that occurrence and ends on its line. A window runs from the
// anchor line through the newline of the line holding occurrence+reach,
// plus one byte so that `$` can match only where raw really ends (a line
// cut there holds no accepted anchor, or it would start a window of its
// own and be merged; nor can it hold a value, which needs ten bytes).
// Each window but one at offset 0 starts on the newline that ends the
// line before: gitleaks counts columns from that newline, so the columns
// of findings in a window equal those in the whole fragment. Overlapping
// windows are merged.
func lineWindows(raw string, anchors []string, reach int, accept func(lower string, pos int, anchor string) bool) []window {
	lower := asciiLower(raw)
	type hit struct{ lineStart, pos int }
	var hits []hit // accepted anchor occurrences, unsorted
	for _, a := range anchors {
		for off := 0; off < len(lower); {
			i := strings.Index(lower[off:], a)
			if i < 0 {
				break
			}
			p := off + i
			if accept(lower, p, a) {
				hits = append(hits, hit{strings.LastIndexByte(raw[:p], '\n') + 1, p})
			}
			off = p + 1
		}
	}
	if len(hits) == 0 {
		return nil
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].lineStart < hits[j].lineStart })
	var out []window
	for _, h := range hits {
		start := h.lineStart
		if start > 0 {
			start-- // the previous line's newline
		}
		// The line holding pos+reach with its newline, and one byte more.
		end := min(h.pos+reach, len(raw))
		if nl := strings.IndexByte(raw[end:], '\n'); nl < 0 {
			end = len(raw)
		} else {
			end = min(end+nl+2, len(raw))
		}
		if k := len(out) - 1; k >= 0 && start < out[k].end {
			out[k].end = max(out[k].end, end)
			continue
		}
		out = append(out, window{start: start, end: end})
	}
	// gitleaks gives a match on a last line without a newline the whole
	// fragment up to it as its Line (what gitleaks:allow and line
	// allowlists look at), so such a window must be the whole fragment.
	if out[len(out)-1].end == len(raw) && !strings.HasSuffix(raw, "\n") {
		return []window{{start: 0, end: len(raw)}}
	}
	return out
}

// asciiLower lower-cases ASCII letters only, keeping every byte offset
// (strings.ToLower can change lengths on invalid or non-ASCII UTF-8).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
