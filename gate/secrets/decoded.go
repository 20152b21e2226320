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

// A fragment with text gitleaks' decoder may decode (mayDecode) gets
// decoded passes: gitleaks decodes the encoded segments it finds, runs
// every rule over the whole decoded text, keeps the matches that overlap
// a decoded segment, and repeats while the decoder finds more. Running
// every rule over every pass of a whole file is most of the time a scan
// of such a file takes, so the windowed rules run, with every pass, over
// part of the fragment only (detectDecoded):
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
//     of them). A match that touches no changed line is a match in the
//     undecoded text as well, and lies in the rule's keyword windows.
//   - A windowed rule's match holds one of its keywords, so gitleaks'
//     keyword prefilter lets the rule run wherever one of its matches is.
//   - gitleaks' Line for a decoded match that ends with a newline runs
//     through the next line, which is kept too.
//
// So every match of a windowed rule, in every pass, lies in the union of
// all windowed rules' keyword windows and the lines within maxReach of a
// decodable line, and any match in that text is one in the whole
// fragment. Over that text (windowText, every line at its line number and
// column) one detector with every windowed rule finds exactly what
// gitleaks finds with them in the whole fragment. The other rules still
// see the whole fragment with every pass (restDecoding).
func (w *windowed) detectDecoded(ctx context.Context, full *detect.Detector, f detect.Fragment, hits [][]int) ([]report.Finding, bool) {
	if full.MaxDecodeDepth != decodeDepth || hasCodePoint(f.Raw) {
		return nil, false
	}
	var spans []window
	for i, pos := range hits {
		for _, p := range pos {
			spans = append(spans, window{p, p + w.rules[i].reach})
		}
	}
	raw := f.Raw
	decodable(raw, func(p int) bool {
		start := strings.LastIndexByte(raw[:p], '\n') + 1
		// A decoded match is not trimmed of a newline it ends with, and
		// gitleaks' Line for it then runs through the next line: the span
		// ends on the line after the one maxReach past p's line.
		end := nextLine(raw, nextLine(raw, p)+w.maxReach)
		spans = append(spans, window{start - w.maxReach, end})
		return true
	})
	sub := f
	sub.Raw = windowText(raw, windowsOver(raw, spans))
	sub.Bytes = nil
	var found []report.Finding
	if w.restLive.any(f, raw) || w.restLive.anyDecoded(f, sub.Raw) {
		found = w.restDecoding.get().DetectContext(ctx, f)
	} else {
		found = w.rest.DetectContext(ctx, f)
	}
	return append(found, w.decoding.get().DetectContext(ctx, sub)...), true
}

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

// windowedOnly returns cfg with only the rules not in rest.
func windowedOnly(cfg, rest config.Config) config.Config {
	out := cfg
	out.Rules = map[string]config.Rule{}
	out.Keywords = map[string]struct{}{}
	for id, r := range cfg.Rules {
		if _, ok := rest.Rules[id]; !ok {
			out.Rules[id] = r
			addKeywords(out.Keywords, r)
		}
	}
	return out
}
