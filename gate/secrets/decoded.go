package secrets

import (
	"context"
	"strings"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/detect/codec"
	"github.com/zricethezav/gitleaks/v8/report"
)

// decodeDepth is gitleaks' CLI default for --max-decode-depth: base64, hex,
// percent and unicode-escaped secrets are decoded up to five times.
const decodeDepth = 5

// A fragment with text gitleaks' decoder may decode (decodable) gets
// decoded passes: gitleaks decodes the encoded segments it finds, runs
// every rule over the whole decoded text, keeps the matches that overlap
// a decoded segment, and repeats while the decoder finds more. Running
// every rule over every pass of a whole file is most of the time a scan
// of such a file takes. crank-gate runs the windowed rules' first pass
// over their keyword windows as for any fragment, and their decoded passes
// over part of the fragment only (detectDecoded):
//
//   - Every segment lies on one line of the fragment. The escape, percent,
//     hex and base64 patterns match no newline; a decoded value can hold
//     newlines, but it replaces text inside its line. Text with the
//     code-point form (U+XXXX, whose runs continue over whitespace and so
//     over newlines) goes to gitleaks unchanged (hasCodePoint).
//   - So the decoder's passes over a line depend on that line alone, and a
//     line without a first-pass segment never changes: later passes find
//     segments only in lines that had one in the first pass. decodable
//     names a superset of those lines.
//   - A windowed rule's match starts on its keyword's line and its value
//     starts at most reach bytes after the keyword, on one line. So a
//     match that touches a changed line lies within maxReach bytes of it,
//     counted over unchanged text, which is as long in every pass (and
//     where other changed lines lie in between, within maxReach of one
//     of them): in the lines near a decodable line ("near").
//   - Only matches that overlap a decoded segment count in a decoded
//     pass, and those touch a changed line. But a match of the same rule
//     that overlaps one of them and starts earlier takes its place, as
//     gitleaks finds a rule's matches left to right without overlaps; and
//     so on down a chain of overlapping matches. A match that touches no
//     changed line is one in the undecoded text too, so it lies in the
//     rule's keyword windows, and a chain of them lies in windows that
//     overlap each other, which are merged into one. So the windows that
//     touch the near lines hold every such chain.
//   - A windowed rule's match holds one of its keywords, so gitleaks'
//     keyword prefilter lets the rule run wherever one of its matches is.
//   - gitleaks' Line for a decoded match that ends with a newline runs
//     through the next line, which is kept too.
//
// So over the near lines and the keyword windows that touch them
// (windowText, every line at its line number and column), one detector with
// every windowed rule finds exactly gitleaks' decoded-pass findings for
// them; its first pass, which sees part of the text only, is dropped
// (decodedFinding). The other rules still see the whole fragment with
// every pass (restDecoding).
// pos are decodable's positions in f, and f has no code point.
func (w *windowed) detectDecoded(ctx context.Context, full *detect.Detector, f detect.Fragment, hits [][]int, pos []int) ([]report.Finding, bool) {
	if full.MaxDecodeDepth != decodeDepth || w.decoding == nil {
		return nil, false
	}
	raw := f.Raw
	near := make([]window, 0, len(pos))
	for _, p := range pos {
		start := strings.LastIndexByte(raw[:p], '\n') + 1
		// A decoded match is not trimmed of a newline it ends with, and
		// gitleaks' Line for it then runs through the next line: the span
		// ends on the line after the one maxReach past p's line.
		end := nextLine(raw, nextLine(raw, p)+w.maxReach)
		near = append(near, window{start - w.maxReach, end})
	}
	nearWs := windowsOver(raw, near)
	spans := near
	// In a small fragment one call for every rule's windows costs less than
	// a call per rule (gitleaks' per-call work dominates): the first pass
	// then runs over all windows together, where it finds what it finds in
	// each rule's own (any match of a rule lies in its own windows, whole
	// lines of the fragment), and its findings are kept.
	together := len(raw) < togetherBelow
	var found []report.Finding
	for i, pos := range hits {
		if len(pos) == 0 {
			continue
		}
		ws := windowsAt(raw, pos, w.rules[i].reach)
		if !together {
			found = append(found, w.detectWindows(ctx, f, i, ws)...)
		}
		for _, x := range ws {
			if together || overlapsAny(x, nearWs) {
				spans = append(spans, x)
			}
		}
	}
	sub := f
	sub.Raw = windowText(raw, windowsOver(raw, spans))
	sub.Bytes = nil
	if w.restLive.any(f, raw) || w.restLive.anyDecoded(f, sub.Raw) {
		found = append(found, w.restDecoding.get().DetectContext(ctx, f)...)
	} else {
		found = append(found, w.rest.DetectContext(ctx, f)...)
	}
	for _, g := range w.decoding.get().DetectContext(ctx, sub) {
		if together || decodedFinding(g) {
			found = append(found, g)
		}
	}
	return found, true
}

// togetherBelow is the fragment size under which the windowed rules run in
// one call (measured: the bare image fixture, of small files, is about 13 ms
// slower with a call per rule; large test-data files are faster with one).
// Tests run both ways.
var togetherBelow = 16 << 10

// overlapsAny reports whether x overlaps one of ws.
func overlapsAny(x window, ws []window) bool {
	for _, y := range ws {
		if x.start < y.end && y.start < x.end {
			return true
		}
	}
	return false
}

// decodedFinding reports whether g comes from a decoded pass: gitleaks
// tags those findings with the pass's depth. windowedOnly makes sure no
// windowed rule carries such a tag of its own.
func decodedFinding(g report.Finding) bool {
	for _, t := range g.Tags {
		if strings.HasPrefix(t, decodeDepthTag) {
			return true
		}
	}
	return false
}

const decodeDepthTag = "decode-depth:"

// keywordIndex tells whether gitleaks' keyword prefilter can let one of a
// config's rules run over a text. The rest rules' decoded passes run over
// the whole fragment; they are skipped when no rest rule can run in any
// of them, which gitleaks' prefilter decides from the keywords in each
// decoded text (lower-cased with strings.ToLower, as gitleaks does). A
// decoded text is the fragment's unchanged lines, where the undecoded
// text has the same keywords, and the changed lines, which the decoded
// passes' text holds whole; no keyword holds a newline, so none spans
// the two.
type keywordIndex struct {
	trie  *ahocorasick.Trie
	rules [][]config.Rule // rules[i]: the rules with keyword i
	// always: a rule runs whatever the text (it has no keywords but a
	// pattern), or a keyword holds a newline.
	always bool
}

func newKeywordIndex(cfg config.Config) *keywordIndex {
	k := &keywordIndex{}
	index := map[string]int{}
	var words []string
	for _, r := range cfg.Rules {
		if len(r.Keywords) == 0 && r.Regex != nil {
			k.always = true
		}
		for _, kw := range r.Keywords {
			kw = strings.ToLower(kw)
			k.always = k.always || strings.Contains(kw, "\n")
			i, ok := index[kw]
			if !ok {
				i = len(words)
				index[kw] = i
				words = append(words, kw)
				k.rules = append(k.rules, nil)
			}
			k.rules[i] = append(k.rules[i], r)
		}
	}
	k.trie = ahocorasick.NewTrieBuilder().AddStrings(words).Build()
	return k
}

// any reports whether a rule with a keyword in text can match in f: its
// pattern is not limited to paths that f's path does not match.
func (k *keywordIndex) any(f detect.Fragment, text string) bool {
	if k.always {
		return true
	}
	found := false
	k.trie.Walk([]byte(strings.ToLower(text)), func(_, _, pattern int64) bool {
		for _, r := range k.rules[pattern] {
			if r.Regex != nil && (r.Path == nil || r.Path.MatchString(f.FilePath) || f.WindowsFilePath != "" && r.Path.MatchString(f.WindowsFilePath)) {
				found = true
				return false
			}
		}
		return true
	})
	return found
}

// anyDecoded reports whether any in the texts gitleaks' decoder makes of
// text, pass after pass, as the detector does.
func (k *keywordIndex) anyDecoded(f detect.Fragment, text string) bool {
	dec := codec.NewDecoder()
	var segs []*codec.EncodedSegment
	for range decodeDepth {
		if text, segs = dec.Decode(text, segs); len(segs) == 0 {
			return false
		}
		if k.any(f, text) {
			return true
		}
	}
	return false
}

// nextLine returns the offset of the line after the one holding raw[p],
// or len(raw).
func nextLine(raw string, p int) int {
	p = min(p, len(raw))
	if nl := strings.IndexByte(raw[p:], '\n'); nl >= 0 {
		return p + nl + 1
	}
	return len(raw)
}

// windowedOnly returns cfg with only the rules not in rest, or false when
// one of them carries a tag like those of decoded passes, which
// decodedFinding could not tell apart.
func windowedOnly(cfg, rest config.Config) (config.Config, bool) {
	out := cfg
	out.Rules = map[string]config.Rule{}
	out.Keywords = map[string]struct{}{}
	for id, r := range cfg.Rules {
		if _, ok := rest.Rules[id]; ok {
			continue
		}
		for _, t := range r.Tags {
			if strings.HasPrefix(t, decodeDepthTag) {
				return config.Config{}, false
			}
		}
		out.Rules[id] = r
		addKeywords(out.Keywords, r)
	}
	return out, true
}
