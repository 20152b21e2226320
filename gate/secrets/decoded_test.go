package secrets

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/report"
)

// encodings gitleaks' decoder reads, applied to s.
var encoders = []func(s string) string{
	func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
	func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) },
	func(s string) string { return hex.EncodeToString([]byte(s)) },
	func(s string) string {
		var b strings.Builder
		for _, c := range []byte(s) {
			fmt.Fprintf(&b, "%%%02X", c)
		}
		return b.String()
	},
	func(s string) string {
		var b strings.Builder
		for _, c := range []byte(s) {
			fmt.Fprintf(&b, "\\u%04x", c)
		}
		return b.String()
	},
}

// encodedText builds text of secret-shaped pieces (keywords, operators,
// values, token prefixes, newlines) where some pieces are encoded, some
// twice, so that a secret's keyword, operator and value can each be in
// decoded or plain text, on the same line or on lines around.
func encodedText(rng *rand.Rand, depth int) string {
	pieces := []string{
		"api_key", "token", "password", "Secret", "auth", "credential", "access_key",
		" = ", ":", " => ", ":= ", "=", " ", "\t", "\"", "'", "`", ";",
		"\n", "\n", "\n\n", "\r\n",
		"Zx9Qw7Er5Ty3Ui1Op8As6Df", "aB3dE5gH7jK9mN1p", "0123456789abcdef", "plain words here",
		strings.Repeat("Zx9Qw7Er5Ty3", 10),
		"ghp_0123456789abcdefghijABCDEFGHIJ012345", "AKIAQYLPMN5HHHFPZAM2", "s.Ab3dEf5hIj7lMn9pQr1tUv3x",
		"glpat-Ab3dEf5hIj7lMn9pQr1t", "sentry_auth_token=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	}
	var b strings.Builder
	for k := rng.IntN(10); k >= 0; k-- {
		switch {
		case depth < 2 && b.Len() < 300 && rng.IntN(4) == 0:
			inner := encodedText(rng, depth+1)
			if len(inner) < 120 {
				b.WriteString(encoders[rng.IntN(len(encoders))](inner))
			}
		case rng.IntN(10) == 0:
			b.WriteString(nearMatch(rng))
		default:
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
	}
	return b.String()
}

func decodedCount(fs []report.Finding) int {
	n := 0
	for _, f := range fs {
		for _, t := range f.Tags {
			if strings.HasPrefix(t, "decode-depth:") {
				n++
				break
			}
		}
	}
	return n
}

// TestDecodedPassesEqualGitleaks: fragments with encoded secrets, some
// nested, among and across lines of plain text, must give exactly
// gitleaks' findings, decoded ones included, through the fast path.
func TestDecodedPassesEqualGitleaks(t *testing.T) {
	bothWays(t, testDecodedPasses)
}

// bothWays runs a test with the windowed rules in one call per fragment
// and in a call per rule (decoded.go's togetherBelow).
func bothWays(t *testing.T, test func(t *testing.T)) {
	defer func(v int) { togetherBelow = v }(togetherBelow)
	for name, below := range map[string]int{"together": 1 << 30, "per rule": 0} {
		togetherBelow = below
		t.Run(name, test)
	}
}

func testDecodedPasses(t *testing.T) {
	d := defaultDetector(t)
	rng := rand.New(rand.NewPCG(11, 28))
	pad := func() string { return strings.Repeat("filler line without the words\n", rng.IntN(4)) }
	var taken, all, decoded int
	for n := 0; n < 4000; n++ {
		s := pad() + encodedText(rng, 0) + "\n" + pad() + encodedText(rng, 0)
		if rng.IntN(2) == 0 {
			s += "\n"
		}
		got, ok := sameAsGitleaks(t, d, detect.Fragment{Raw: s, FilePath: "encoded.txt", StartLine: 1 + rng.IntN(50)})
		all++
		if ok {
			taken++
			decoded += decodedCount(got)
		}
	}
	t.Logf("%d of %d fragments through the fast path, with %d decoded findings", taken, all, decoded)
	if taken < all*9/10 || decoded < 500 {
		t.Errorf("too little coverage: %d of %d fragments taken, %d decoded findings", taken, all, decoded)
	}
}

// The decoded-pass text must reach maxReach bytes around an encoded line:
// a keyword lines above a decoded value, and a decoded keyword with its
// value lines below.
func TestDecodedAcrossLines(t *testing.T) {
	bothWays(t, testDecodedAcrossLines)
}

func testDecodedAcrossLines(t *testing.T) {
	d := defaultDetector(t)
	val := "Zx9Qw7Er5Ty3Ui1Op8As6Df"
	pad := strings.Repeat("filler line without the words\n", 30)
	b64 := encoders[0]
	cases := map[string]string{
		"keyword above":      pad + "my_password \n\n\n= " + b64(val) + "\n" + pad,
		"value below":        pad + b64("client_secret ") + "\n\n\n=\n\n\n\n\n" + val + "\n" + pad,
		"operator encoded":   pad + "api_key" + b64(" := \"") + val + "\"\n" + pad,
		"nested":             pad + b64(b64("token = "+val)) + "\n" + pad,
		"hex in percent":     pad + encoders[3](encoders[2]("secret: "+val)) + "\n" + pad,
		"escaped at EOF":     pad + "auth=" + encoders[4](val),
		"two encoded lines":  pad + b64("access_key") + "\n" + b64("= "+val) + "\n" + pad,
		"decoded newlines":   pad + b64("x\ncredential\n=\n"+val+"\n") + "\n" + pad,
		"plain and decoded":  pad + "token = " + val + "\n" + b64("token = "+val+"X") + "\n" + pad,
		"encoded, no secret": pad + b64("nothing to see in here at all") + "\n" + pad,
		// A decoded match keeps the newline it ends with, and gitleaks'
		// Line for it runs through the next line.
		// A match on the lines near an encoded one (the second, with a
		// decoded value) that an earlier match of the same rule, from a
		// line further up, overlaps: gitleaks finds the earlier one only.
		"chain from above": pad + "auth =\n  k3yvalue" + strings.Repeat("x", 100) + "_longtoken =\n" + b64(val) + "\n" + pad,
		// Rules that are not windowed, with keywords only in decoded text.
		"rest rule decoded":    pad + "hook: " + b64("https://hooks.slack.com/services/T01234567/B01234567/Zx9Qw7Er5Ty3Ui1Op8As6DfZx9Qw7Er5Ty3Ui1Op8As6Df") + "\n" + pad,
		"curl decoded":         pad + encoders[2](`curl -H "Authorization: Bearer Zx9Qw7Er5Ty3Ui1Op8As6Df" https://example.com/x`) + "\n" + pad,
		"line after the value": pad + encoders[4]("x:") + "secret \n\n= " + strings.Repeat(val, 5) + "\nthe line after\n" + pad,
	}
	decoded := 0
	for name, s := range cases {
		got, ok := sameAsGitleaks(t, d, detect.Fragment{Raw: s, FilePath: "cases/" + name, StartLine: 1})
		if !ok {
			t.Errorf("%s: fast path declined", name)
		}
		decoded += decodedCount(got)
	}
	if decoded < len(cases)-4 {
		t.Errorf("only %d decoded findings over the cases: the comparison proves little", decoded)
	}
	// The code-point form continues over newlines: gitleaks' detector.
	f := detect.Fragment{Raw: "token = U+0041 U+0042\n", FilePath: "cases/codepoint", StartLine: 1}
	if _, ok := d.fast.detect(context.Background(), d.d, f); ok {
		t.Error("fast path took text with U+XXXX")
	}
}
