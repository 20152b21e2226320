package report

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestInert(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"app/Dockerfile", "app/Dockerfile"},
		{"naïve 名前", "naïve 名前"},
		{"a\x1b[31mred", `a\x1b[31mred`},
		{"line\nnext", `line\nnext`},
		{"cr\rover", `cr\rover`},
		{"nul\x00x", `nul\x00x`},
		{"tab\tx", `tab\tx`},
		{"del\x7f", `del\x7f`},
		{"csi\u009b31m", `csi\u009b31m`},
		{"rlo\u202eexe.txt", `rlo\u202eexe.txt`},
		{"iso\u2066x\u2069", `iso\u2066x\u2069`},
		{"ls\u2028ps\u2029", `ls\u2028ps\u2029`},
		{"bad\xff\xfe", `bad\xff\xfe`},
		{"::add-mask::x", `\x3a:add-mask::x`},
		{"  ::error file=a::b", `  \x3a:error file=a::b`},
		{"\u00a0::warning::x", "\u00a0\\x3a:warning::x"},
		{"a ::b", "a ::b"},
		{"x ##[set-env name=A]b", `x ##\x5bset-env name=A]b`},
		{"#[a] # [b]", "#[a] # [b]"},
		{"", ""},
	} {
		if got := Inert(c.in); got != c.want {
			t.Errorf("Inert(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestInertNeverLeaksALine checks the property every text reporter relies
// on: whatever the bytes, the result is one line of valid UTF-8 without
// control or bidi characters that does not start a workflow command.
func TestInertNeverLeaksALine(t *testing.T) {
	for _, in := range hostileStrings() {
		out := Inert(in)
		if !utf8.ValidString(out) {
			t.Errorf("Inert(%q) = %q: not valid UTF-8", in, out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || unsafeRune(r) {
				t.Errorf("Inert(%q) = %q keeps %U", in, out, r)
			}
		}
		if strings.HasPrefix(strings.TrimSpace(out), "::") || strings.Contains(out, "##[") {
			t.Errorf("Inert(%q) = %q reads as a workflow command", in, out)
		}
	}
}

func FuzzInert(f *testing.F) {
	for _, s := range hostileStrings() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Inert(in)
		if !utf8.ValidString(out) || strings.ContainsAny(out, "\n\r\x1b\x00") || strings.HasPrefix(strings.TrimSpace(out), "::") || strings.Contains(out, "##[") {
			t.Fatalf("Inert(%q) = %q", in, out)
		}
		if Inert(out) != out {
			t.Fatalf("Inert is not idempotent on %q: %q then %q", in, out, Inert(out))
		}
	})
}
