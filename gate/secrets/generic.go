package secrets

// mayMatchAfterKeyword is a necessary condition for a match of a template
// rule (template.go) to use the keyword that ends at s[e:] (s is
// ASCII-lower-cased, free of the Kelvin sign and the long s, so every
// character below is one byte). It follows the template after the keyword
// with each part widened:
//
//	[ \t\w.-]{0,20}  [\s'"]{0,3}  operator  [\x60'"\s=]{0,5}  value
//
// where an operator is one to four of = > : | ? , (every operator of the
// template is such a string). With value, it also requires ten characters
// of [\w.=+/-], with which both value forms of generic-api-key start.
// Keyword occurrences that fail it cannot start a match, so lines holding
// only those need no window: in source code most keyword lines
// (func (k *Key) ..., tokens []Token, ...) fail it.
func mayMatchAfterKeyword[T ~string | ~[]byte](s T, e int, value bool) bool {
	for j1 := 0; j1 <= 20; j1++ {
		p1 := e + j1
		if j1 > 0 && (p1 > len(s) || !inSet(s[p1-1], gapChars)) {
			break
		}
		for j2 := 0; j2 <= 3; j2++ {
			p2 := p1 + j2
			if j2 > 0 && (p2 > len(s) || !inSet(s[p2-1], spaceQuoteChars)) {
				break
			}
			for o := 1; o <= 4 && p2+o <= len(s) && inSet(s[p2+o-1], operatorChars); o++ {
				if !value {
					return true
				}
				p3 := p2 + o
				for j3 := 0; j3 <= 5; j3++ {
					p4 := p3 + j3
					if j3 > 0 && (p4 > len(s) || !inSet(s[p4-1], preValueChars)) {
						break
					}
					if runOf(s, p4, valueChars) >= 10 {
						return true
					}
				}
			}
		}
	}
	return false
}

type byteSet [256]bool

func set(chars string, ranges ...[2]byte) *byteSet {
	var b byteSet
	for i := 0; i < len(chars); i++ {
		b[chars[i]] = true
	}
	for _, r := range ranges {
		for c := int(r[0]); c <= int(r[1]); c++ {
			b[c] = true
		}
	}
	return &b
}

var (
	word            = [][2]byte{{'0', '9'}, {'a', 'z'}, {'A', 'Z'}}
	gapChars        = set(" \t_.-", word...) // [ \t\w.-]
	spaceQuoteChars = set("\t\n\f\r '\"")    // [\s'"]
	operatorChars   = set("=>:|?,")          // = > :{1,3}= || : => ?= ,
	preValueChars   = set("`'\"\t\n\f\r =")  // [\x60'"\s=]
	valueChars      = set("_.=+/-", word...) // [\w.=-] and [a-z0-9+/]
)

func inSet(c byte, b *byteSet) bool { return b[c] }

func runOf[T ~string | ~[]byte](s T, i int, b *byteSet) int {
	n := 0
	for i+n < len(s) && b[s[i+n]] {
		n++
	}
	return n
}
