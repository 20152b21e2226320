package secrets

import "strings"

// decodable and hasCodePoint tell where gitleaks' decoder (detect/codec)
// could find an encoded segment in s. Together they are a necessary
// condition, cheap enough to run on every fragment: when decodable names
// no position and s has no code point, codec's Decode(s, nil) returns no
// segment, so its regular-expression pass (about a third of a scan's CPU
// time with Go's regexp) can be skipped. decodable_test.go checks the
// implication against codec on real source and in a fuzz test.
//
// codec keeps a segment only when its decoded value is non-empty, and
// every decoder returns "" unless the decoded bytes are printable ASCII
// (0x09-0x7e). So a segment needs, for each encoding:
//   - percent (%[0-9A-Fa-f]{2}...): a first %XX that is printable;
//   - unicode (U+XXXX, \uXXXX): the prefix followed by four hex digits;
//   - hex ([0-9A-Fa-f]{32,}): 32 hex digits whose 16 bytes are printable;
//   - base64 ([\w/+-]{16,}={0,2}): 16 leading characters whose 12 bytes are
//     printable (with + and - both 62, / and _ both 63, which covers the
//     standard and URL alphabets codec tries).
//
// A match may start inside a run (after an overlapping match of another
// encoding), so every start position is considered.
//
// decodable calls yield with an offset inside every run of s where codec
// could find an encoded segment in the escape, percent, hex or base64
// form, at least once per such run, until yield returns false. Each such
// run lies on one line: none of those patterns matches a newline. The
// code-point form (U+XXXX), whose runs continue over whitespace and so
// over newlines, is left to hasCodePoint.
func decodable(s string, yield func(int) bool) {
	_ = scanPercent(s, yield) && scanEscape(s, yield) && scanHex(s, yield) && scanBase64(s, yield)
}

func printable(b byte) bool { return 0x08 < b && b < 0x7f }

func hexVal(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func isHex(c byte) bool { _, ok := hexVal(c); return ok }

func hexByte(s string, i int) (byte, bool) {
	if i+1 >= len(s) {
		return 0, false
	}
	hi, ok1 := hexVal(s[i])
	lo, ok2 := hexVal(s[i+1])
	return hi<<4 | lo, ok1 && ok2
}

// The scanners below return false when yield stopped them.

func scanPercent(s string, yield func(int) bool) bool {
	return scanAt(s, '%', func(p int) bool {
		b, ok := hexByte(s, p+1)
		return ok && printable(b)
	}, yield)
}

// scanAt calls yield at each offset of c in s where at holds.
func scanAt(s string, c byte, at func(p int) bool, yield func(int) bool) bool {
	for off := 0; ; {
		i := strings.IndexByte(s[off:], c)
		if i < 0 {
			return true
		}
		p := off + i
		if at(p) && !yield(p) {
			return false
		}
		off = p + 1
	}
}

func fourHex(s string, i int) bool {
	if i+4 > len(s) {
		return false
	}
	for _, c := range []byte(s[i : i+4]) {
		if !isHex(c) {
			return false
		}
	}
	return true
}

// scanEscape finds \uXXXX (codec's (?i)(?:\\{1,2}u[a-fA-F0-9]{4})+).
func scanEscape(s string, yield func(int) bool) bool {
	return scanAt(s, '\\', func(p int) bool {
		return p+1 < len(s) && (s[p+1] == 'u' || s[p+1] == 'U') && fourHex(s, p+2)
	}, yield)
}

// hasCodePoint reports whether s holds U+XXXX, the start of codec's
// code-point form.
func hasCodePoint(s string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], "U+")
		if i < 0 {
			return false
		}
		p := off + i
		if fourHex(s, p+2) {
			return true
		}
		off = p + 1
	}
}

// scanHex: 16 printable bytes at consecutive pairs of one parity, all
// inside one run of hex digits.
func scanHex(s string, yield func(int) bool) bool {
	var good [2]int // printable pairs in a row ending here, per parity
	for i := 0; i+1 < len(s); i++ {
		b, ok := hexByte(s, i)
		switch {
		case !ok:
			good[i&1] = 0
			if !isHex(s[i]) { // the run is broken for both parities
				good[0], good[1] = 0, 0
			}
		case printable(b):
			good[i&1]++
			if good[i&1] == 16 && !yield(i) {
				return false
			}
		default:
			good[i&1] = 0
		}
	}
	return true
}

var b64val = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" {
		t[c] = int8(i)
	}
	t['+'], t['-'] = 62, 62
	t['/'], t['_'] = 63, 63
	return t
}()

// scanBase64: four consecutive 4-character groups at one alignment, inside
// one run of [\w/+-], each decoding to three printable bytes.
func scanBase64(s string, yield func(int) bool) bool {
	var good [4]int // printable groups in a row ending at this alignment
	run := 0        // length of the current run of base64 characters
	for i := 0; i < len(s); i++ {
		if b64val[s[i]] < 0 {
			run = 0
			good = [4]int{}
			continue
		}
		run++
		if run < 4 {
			continue
		}
		g := s[i-3 : i+1]
		v0, v1, v2, v3 := b64val[g[0]], b64val[g[1]], b64val[g[2]], b64val[g[3]]
		b0 := byte(v0)<<2 | byte(v1)>>4
		b1 := byte(v1&15)<<4 | byte(v2)>>2
		b2 := byte(v2&3)<<6 | byte(v3)
		a := (i + 1) & 3
		if printable(b0) && printable(b1) && printable(b2) {
			good[a]++
			if good[a] == 4 && !yield(i) {
				return false
			}
		} else {
			good[a] = 0
		}
	}
	return true
}
