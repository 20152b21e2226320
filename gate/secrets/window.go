package secrets

import (
	"context"
	"sort"
	"strings"
	"sync"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/report"
)

// gitleaks runs every rule whose keyword occurs anywhere in a file over the
// whole file. For its generic-api-key rule that is most of the scan: the
// keywords ("key", "token", "auth", ...) are in nearly every source file,
// and the pattern is long and case-insensitive (about half the CPU time of
// a scan of Go source with Go's regexp, profiled). About half of gitleaks'
// rules share that pattern's template (template.go) with other keywords;
// most of the others are tokens with a literal prefix (prefix.go), some
// with prefixes as common as "s." and "ey".
//
// Every match of such a rule starts on a line that holds one of its
// keywords (or prefixes), and its value starts within a fixed reach of it
// and ends on its line. So running the rule only over windows of lines around
// keyword occurrences (mayMatchAfterKeyword drops the occurrences no match
// can use) finds exactly the matches it finds over the whole file, with
// the same lines and columns, and the rest of the file is never read by
// it. For a prefix rule, an occurrence counts only if the token pattern
// matches there. The windows of a fragment go to gitleaks as one text (windowText)
// that keeps every line number. The other rules still see whole files.
//
// The fast path is taken only when it is provably the same as gitleaks:
//   - a rule is windowed only if its pattern has one of the two shapes
//     with a small set of literal keywords or prefixes and no part that
//     can match a newline, every match holds one of its configured
//     keywords, and no other rule requires it (template.go, prefix.go);
//   - a fragment with text gitleaks' decoder may decode (base64, hex, ...)
//     gets decoded passes; decoded.go says how those stay exact, and
//     text in the one form whose runs cross lines (U+XXXX) is scanned by
//     the unchanged detector;
//   - the fragment is under the detector's size limit, if any;
//   - the fragment has no character that case-folds to an ASCII letter
//     of a keyword (the Kelvin sign and the long s).
// window_test.go checks equality with the unchanged detector on real
// source (gitleaks' samples for every rule among it), constructed edge
// cases and random text, and FuzzWindowed on any.

// genericAPIKeyID and genericAPIKeyPattern are gitleaks v8.30.1's rule; a
// test fails if the embedded default config changes either, so an upgrade
// cannot silently leave a stale copy here.
const (
	genericAPIKeyID      = "generic-api-key"
	genericAPIKeyPattern = `(?i)[\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)`
)

// windowed is the fast path: rest holds every rule that is not windowed;
// each windowed rule has a detector of its own. None of those decodes:
// fragments that need decoding go to restDecoding and decoding.
type windowed struct {
	rest  *detect.Detector
	rules []*windowRule
	dets  []*lazyDetector // dets[i] runs rules[i]
	// trie finds every keyword of every windowed rule in one pass;
	// byKeyword[pattern index] are the rules with that keyword.
	trie      *ahocorasick.Trie
	keywords  []string
	byKeyword [][]int
	// restDecoding and decoding run the rest and the windowed rules with
	// gitleaks' decoded passes (decoded.go); decoding is nil when a
	// windowed rule's own tags look like a decoded pass's.
	restDecoding, decoding *lazyDetector
	maxReach               int // the longest reach of a windowed rule
	// restLive tells when the rest rules can find anything in decoded
	// passes (decoded.go).
	restLive *keywordIndex
	// allow are the global allowlists whose path and commit parts the fast
	// path checks once per fragment (allowlist.go).
	allow []*hoistedAllowlist
}

// newWindowed returns the fast path for cfg, or nil when no rule can be
// windowed.
func newWindowed(ctx context.Context, cfg config.Config) *windowed {
	required := map[string]bool{}
	for _, r := range cfg.Rules {
		for _, req := range r.RequiredRules {
			required[req.RuleID] = true
		}
	}
	w := &windowed{}
	cfg, w.allow = hoistAllowlists(cfg)
	rest := cfg
	rest.Rules = map[string]config.Rule{}
	rest.Keywords = map[string]struct{}{}
	ids := make([]string, 0, len(cfg.Rules))
	for id := range cfg.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	index := map[string]int{}
	for _, id := range ids {
		r := cfg.Rules[id]
		wr, ok := windowRuleFor(r)
		if !ok || required[id] {
			rest.Rules[id] = r
			addKeywords(rest.Keywords, r)
			continue
		}
		one := cfg
		one.Rules = map[string]config.Rule{id: r}
		one.Keywords = map[string]struct{}{}
		addKeywords(one.Keywords, r)
		n := len(w.rules)
		w.rules = append(w.rules, wr)
		w.maxReach = max(w.maxReach, wr.reach)
		w.dets = append(w.dets, &lazyDetector{ctx: ctx, cfg: one})
		for _, k := range wr.keywords {
			i, ok := index[k]
			if !ok {
				i = len(w.keywords)
				index[k] = i
				w.keywords = append(w.keywords, k)
				w.byKeyword = append(w.byKeyword, nil)
			}
			w.byKeyword[i] = append(w.byKeyword[i], n)
		}
	}
	if len(w.rules) == 0 {
		return nil
	}
	w.rest = detect.NewDetectorContext(ctx, rest)
	w.restDecoding = &lazyDetector{ctx: ctx, cfg: rest, depth: decodeDepth}
	if all, ok := windowedOnly(cfg, rest); ok {
		w.decoding = &lazyDetector{ctx: ctx, cfg: all, depth: decodeDepth}
	}
	w.restLive = newKeywordIndex(rest)
	w.trie = ahocorasick.NewTrieBuilder().AddStrings(w.keywords).Build()
	return w
}

// addKeywords adds r's keywords to a config's prefilter set, lower-cased
// as gitleaks' config loading does.
func addKeywords(set map[string]struct{}, r config.Rule) {
	for _, k := range r.Keywords {
		set[strings.ToLower(k)] = struct{}{}
	}
}

// detect scans one fragment the way full would, returning ok=false when
// the fragment must go to full instead.
func (w *windowed) detect(ctx context.Context, full *detect.Detector, f detect.Fragment) ([]report.Finding, bool) {
	// rest and the rule detectors keep gitleaks' defaults (gitleaks:allow
	// honoured, no redaction, no size limit), which Scan and ScanContent use.
	if full.IgnoreGitleaksAllow || full.Redact > 0 || full.MaxTargetMegaBytes > 0 && len(f.Raw)/1_000_000 > full.MaxTargetMegaBytes {
		return nil, false
	}
	// Under (?i) Go's regexp and RE2 fold K (U+212A, Kelvin) with k and
	// ſ (U+017F, long s) with s, in the keywords and in \w: text with
	// either can hold a keyword the ASCII search misses, and wider
	// characters than the reach counts.
	if strings.Contains(f.Raw, "\u212a") || strings.Contains(f.Raw, "\u017f") {
		return nil, false
	}
	if pathAllowed(w.allow, f) {
		return nil, true
	}
	hits := w.hits(f.Raw, asciiLower(f.Raw))
	if full.MaxDecodeDepth > 0 {
		// Code points can make segments that cross lines (decoded.go).
		if hasCodePoint(f.Raw) {
			return nil, false
		}
		var pos []int
		decodable(f.Raw, func(p int) bool { pos = append(pos, p); return true })
		if len(pos) > 0 {
			found, ok := w.detectDecoded(ctx, full, f, hits, pos)
			if !ok {
				return nil, false
			}
			return filterGeneric(found), true
		}
	}
	found := w.rest.DetectContext(ctx, f)
	for i, pos := range hits {
		if len(pos) > 0 {
			found = append(found, w.detectWindows(ctx, f, i, windowsAt(f.Raw, pos, w.rules[i].reach))...)
		}
	}
	return filterGeneric(found), true
}

// detectWindows runs windowed rule i over windows ws of f.
func (w *windowed) detectWindows(ctx context.Context, f detect.Fragment, i int, ws []window) []report.Finding {
	sub := f
	sub.Raw = windowText(f.Raw, ws)
	sub.Bytes = nil
	return w.dets[i].get().DetectContext(ctx, sub)
}

// lazyDetector builds a rule's detector on first use: most rules never
// see a keyword in a given scan, and 93 detectors cost about 5 ms to build.
type lazyDetector struct {
	once  sync.Once
	ctx   context.Context
	cfg   config.Config
	depth int // MaxDecodeDepth
	d     *detect.Detector
}

func (l *lazyDetector) get() *detect.Detector {
	l.once.Do(func() {
		l.d = detect.NewDetectorContext(l.ctx, l.cfg)
		l.d.MaxDecodeDepth = l.depth
	})
	return l.d
}

// hits returns, for each windowed rule, the offsets of the keyword
// occurrences in lower (raw, ASCII-lower-cased) that can start one of its
// matches.
func (w *windowed) hits(raw string, lower []byte) [][]int {
	out := make([][]int, len(w.rules))
	w.trie.Walk(lower, func(end, n, pattern int64) bool {
		pos := int(end - n + 1)
		for _, r := range w.byKeyword[pattern] {
			wr := w.rules[r]
			var ok bool
			if wr.anchored != nil {
				eol := strings.IndexByte(raw[pos:], '\n')
				if eol < 0 {
					eol = len(raw) - pos
				}
				ok = wr.anchored.MatchString(raw[pos : pos+eol])
			} else {
				ok = mayMatchAfterKeyword(lower, pos+int(n), wr.value)
			}
			if ok {
				out[r] = append(out[r], pos)
			}
		}
		return true
	})
	return out
}

// filterGeneric is gitleaks' filter over all findings of a fragment: a
// finding of a rule named generic gives way to another rule's finding on
// the same line whose secret contains it.
func filterGeneric(fs []report.Finding) []report.Finding {
	out := fs[:0:0]
	for _, f := range fs {
		if !strings.Contains(strings.ToLower(f.RuleID), "generic") || !shadowed(f, fs) {
			out = append(out, f)
		}
	}
	return out
}

func shadowed(g report.Finding, all []report.Finding) bool {
	for _, s := range all {
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

// windowsAt returns merged byte ranges of raw that hold every match of a
// rule starting on the lines of the keyword occurrences at pos, when its
// value starts at most reach bytes after the occurrence and ends on its
// line: the windows of spans from each occurrence to reach bytes after it.
func windowsAt(raw string, pos []int, reach int) []window {
	spans := make([]window, 0, len(pos))
	for _, p := range pos {
		spans = append(spans, window{p, p + reach})
	}
	return windowsOver(raw, spans)
}

// windowsOver returns merged byte ranges of raw that hold the lines of
// every span: a window runs from the line holding span.start through the
// newline of the line holding span.end, plus one byte. Each window but one
// at offset 0 starts on the newline that ends the line before: gitleaks
// counts columns from that newline, so the columns of findings in a window
// equal those in the whole fragment. Overlapping windows are merged.
func windowsOver(raw string, spans []window) []window {
	if len(spans) == 0 {
		return nil
	}
	type hit struct{ lineStart, end int }
	hits := make([]hit, 0, len(spans))
	for _, s := range spans {
		from := min(max(s.start, 0), len(raw))
		hits = append(hits, hit{strings.LastIndexByte(raw[:from], '\n') + 1, s.end})
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].lineStart < hits[j].lineStart })
	var out []window
	for _, h := range hits {
		start := h.lineStart
		if start > 0 {
			start-- // the previous line's newline
		}
		// The line holding the span's end with its newline, and one byte more.
		end := min(max(h.end, 0), len(raw))
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
func asciiLower(s string) []byte {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return b
}
