package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Inert makes a string that came from the input (a file name, an ENV key,
// a label, a history line, a message quoting any of them) safe to print
// on a terminal or into a CI log: whoever built the image or wrote the
// tree chose those bytes.
//
//   - C0 and C1 control characters (ESC, CR, LF, NUL, ...), DEL, the bidi
//     overrides and isolates (U+202A-U+202E, U+2066-U+2069, the LRM/RLM/ALM
//     marks) and the Unicode line and paragraph separators become escapes
//     such as \x1b, \n or \u202e, so no terminal sequence runs, no text is
//     reordered and no input string can start a new output line;
//   - invalid UTF-8 bytes become \xNN;
//   - a leading "::" (after white space, as the GitHub Actions runner
//     trims it) and any "##[" become \x3a: and ##\x5b, so a string can
//     never be read as a workflow command (::add-mask::, ::error ...,
//     ##[set-env ...]) whatever reporter puts it first on a line.
//
// Printable text, including non-ASCII letters, is left as it is.
// Backslashes are not doubled: the result is for people and logs, not for
// parsing back; the structured formats (JSON, SARIF, XML) carry the exact
// string instead.
func Inert(s string) string {
	if isInert(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == '[' && i >= 2 && s[i-2:i] == "##":
			b.WriteString(`\x5b`)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	out := b.String()
	if lead := len(out) - len(strings.TrimLeftFunc(out, unicode.IsSpace)); strings.HasPrefix(out[lead:], "::") {
		out = out[:lead] + `\x3a` + out[lead+1:]
	}
	return out
}

// isInert is the fast path: most strings are plain printable text.
func isInert(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	trimmed := strings.TrimLeft(s, " ")
	return !strings.HasPrefix(trimmed, "::") && !strings.Contains(s, "##[")
}

// unsafeRune is a printable-looking rune that changes how the line around
// it is displayed: C1 controls (a terminal may act on CSI U+009B), bidi
// embeddings, overrides, isolates and marks (the "Trojan Source" trick),
// line/paragraph separators, and other format characters.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case r == 0x2028 || r == 0x2029 || r == 0x85:
		return true
	case r == 0xfeff:
		return true
	}
	return false
}
