package secrets

import (
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/detect/codec"
)

// mayDecode is the fast path's test for a fragment that needs decoded
// passes (window.go).
func mayDecode(s string) bool {
	found := false
	decodable(s, func(int) bool { found = true; return false })
	return found || hasCodePoint(s)
}

// mustDecode fails if codec finds a segment in s but mayDecode says it
// cannot: that would hide a base64- or hex-wrapped secret.
func mustDecode(t testing.TB, name, s string) (segments bool) {
	t.Helper()
	_, segs := codec.NewDecoder().Decode(s, nil)
	if len(segs) > 0 && !mayDecode(s) {
		t.Fatalf("%s: codec decodes %d segment(s) but mayDecode is false", name, len(segs))
	}
	// decoded.go keeps the lines decodable names: each line with a segment
	// of its own must hold one of its positions.
	if len(segs) > 0 && !hasCodePoint(s) {
		var pos []int
		decodable(s, func(p int) bool { pos = append(pos, p); return true })
		for start := 0; start < len(s); {
			end := nextLine(s, start)
			if _, segs := codec.NewDecoder().Decode(s[start:end], nil); len(segs) > 0 {
				found := false
				for _, p := range pos {
					found = found || start <= p && p < end
				}
				if !found {
					t.Fatalf("%s: line %q has a segment but decodable names no position in it", name, s[start:end])
				}
			}
			start = end
		}
	}
	return len(segs) > 0
}

func TestMayDecodeOnEncodings(t *testing.T) {
	secret := "ghp_0123456789abcdefABCDEF0123456789abcd"
	for name, s := range map[string]string{
		"base64":        "x := \"" + base64.StdEncoding.EncodeToString([]byte(secret)) + "\"\n",
		"base64 url":    "x=" + base64.RawURLEncoding.EncodeToString([]byte("token: "+secret+"??>>")) + "\n",
		"base64 padded": "k: " + base64.StdEncoding.EncodeToString([]byte("password=hunter2hunter")) + "\n",
		"hex":           "h = " + hex.EncodeToString([]byte(secret)) + "\n",
		"percent":       "url?token%3D" + secret + "%26x\n",
		"unicode":       `"\u0074\u006f\u006b\u0065\u006e"` + "\n",
		"code points":   "U+0074 U+006F U+006B U+0065 U+006E\n",
	} {
		if !mustDecode(t, name, s) {
			t.Errorf("%s: codec finds no segment in %q, the case tests nothing", name, s)
		}
		if !mayDecode(s) {
			t.Errorf("%s: mayDecode false", name)
		}
	}
	for name, s := range map[string]string{
		"plain code":       "func main() {\n\tfmt.Println(\"hello, world\")\n}\n",
		"long identifiers": "var someVeryLongIdentifierName = anotherVeryLongIdentifierName\n",
		"format verbs":     "fmt.Sprintf(\"%d %s %v\", a, b, c)\n",
		"import path":      "import \"github.com/zricethezav/gitleaks/v8/detect/codec\"\n",
	} {
		mustDecode(t, name, s)
		if mayDecode(s) {
			t.Errorf("%s: mayDecode true on %q; the pre-check would save nothing on ordinary code", name, s)
		}
	}
}

// On gitleaks' own rule sources and test data every text codec decodes
// must pass the pre-check, and most ordinary source must not.
func TestMayDecodeOnRealSource(t *testing.T) {
	gl := filepath.Join(goEnv(t, "GOMODCACHE"), "github.com/zricethezav/gitleaks/v8@v8.30.1")
	var files, withSegments, skipped int
	err := filepath.Walk(gl, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || info.Size() > 1<<20 {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil || strings.IndexByte(string(b), 0) >= 0 {
			return nil
		}
		files++
		if mustDecode(t, p, string(b)) {
			withSegments++
		}
		if !mayDecode(string(b)) {
			skipped++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files: %d with encoded segments, %d skip the decoder", files, withSegments, skipped)
	if withSegments < 10 || skipped < files/3 {
		t.Errorf("coverage: %d files with segments, %d of %d skipped", withSegments, skipped, files)
	}
}

func FuzzMayDecode(f *testing.F) {
	for _, s := range []string{
		"aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=",
		"68656c6c6f20776f726c642068656c6c6f20776f726c64",
		"%41%42", `\u0041\U0042`, "U+0041 U+0042",
		"ab%2Fcd aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		mustDecode(t, "fuzz", s)
	})
}
