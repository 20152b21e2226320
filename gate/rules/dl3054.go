package rules

import "strings"

// DL3054: an spdx-typed label is not an SPDX license expression.
var DL3054 = Rule{
	ID:       "DL3054",
	Name:     "label-not-spdx",
	Severity: Warning,
	Summary:  "A label of type spdx in the label schema is not a valid SPDX license expression.",
	Why: "Licence scanners read `org.opencontainers.image.licenses` as an SPDX expression " +
		"(`Apache-2.0`, `MIT OR Apache-2.0`). Free text such as `Apache 2` cannot be matched against a policy.",
	Bad:  "FROM alpine:3.20\nLABEL org.opencontainers.image.licenses=\"Apache License 2\"\n",
	Good: "FROM alpine:3.20\nLABEL org.opencontainers.image.licenses=Apache-2.0\n",
	Differences: "hadolint (DL3054.hs) checks only the labels of type `spdx` in a configured `label-schema` and " +
		"fires when a value is not one SPDX license identifier from its list (Cabal's LicenseId parser, " +
		"so an expression such as `MIT OR Apache-2.0` fires too); without a schema it checks nothing. " +
		"crank checks the expression syntax (identifiers, `+`, `WITH`, `AND`, `OR`, parentheses, " +
		"`LicenseRef-`), does not look identifiers up in the SPDX list (so `GPLv2` passes), and without " +
		"a configured schema checks `org.opencontainers.image.licenses`. " +
		diffLabelStages +
		" `compat: hadolint` checks only the configured schema and every stage, but still with crank's " +
		"expression test: the SPDX list is not built in.",
	Equivalents: Equivalents{Hadolint: []string{"DL3054"}},
	Check:       checkDL3054,
}

func checkDL3054(ctx *Context) {
	reportLabelValues(ctx, "spdx", isSPDXExpression, "Label %s is not an SPDX license expression (%q); use identifiers such as Apache-2.0 or MIT OR Apache-2.0")
}

// isSPDXExpression checks the grammar of SPDX license expressions:
// compound := simple [WITH id] | compound (AND|OR) compound | ( compound ).
func isSPDXExpression(v string) bool {
	toks := strings.Fields(strings.NewReplacer("(", " ( ", ")", " ) ").Replace(v))
	p := spdxParser{toks: toks}
	return p.expr() && p.pos == len(toks)
}

type spdxParser struct {
	toks []string
	pos  int
}

func (p *spdxParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *spdxParser) expr() bool {
	if !p.term() {
		return false
	}
	for op := strings.ToUpper(p.peek()); op == "AND" || op == "OR"; op = strings.ToUpper(p.peek()) {
		p.pos++
		if !p.term() {
			return false
		}
	}
	return true
}

func (p *spdxParser) term() bool {
	if p.peek() == "(" {
		p.pos++
		if !p.expr() || p.peek() != ")" {
			return false
		}
		p.pos++
		return true
	}
	if !spdxID(strings.TrimSuffix(p.peek(), "+")) {
		return false
	}
	p.pos++
	if strings.ToUpper(p.peek()) == "WITH" {
		p.pos++
		if !spdxID(p.peek()) {
			return false
		}
		p.pos++
	}
	return true
}

func spdxID(s string) bool {
	switch strings.ToUpper(s) {
	case "", "AND", "OR", "WITH":
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == ':') {
			return false
		}
	}
	return true
}
