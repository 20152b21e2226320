package secrets

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/zricethezav/gitleaks/v8/cmd/generate/config/utils"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	glregexp "github.com/zricethezav/gitleaks/v8/regexp"
	"github.com/zricethezav/gitleaks/v8/report"
	"github.com/zricethezav/gitleaks/v8/sources"
)

func defaultDetector(t testing.TB) *Detector {
	t.Helper()
	cfg, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	d := NewDetector(context.Background(), cfg)
	if d.fast == nil {
		t.Fatal("the fast path does not apply to gitleaks' default config")
	}
	return d
}

// key is everything of a finding that reaches a report or a fingerprint.
func key(f report.Finding) string {
	return fmt.Sprintf("%s %d:%d-%d:%d %q %q %q %v", f.RuleID, f.StartLine, f.StartColumn, f.EndLine, f.EndColumn, f.Secret, f.Match, f.Line, f.Tags)
}

func keys(fs []report.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, key(f))
	}
	sort.Strings(out)
	return out
}

// sameAsGitleaks fails unless the fast path finds exactly what gitleaks'
// detector finds in f, or declines f. It returns the findings and whether
// the fast path took the fragment.
func sameAsGitleaks(t testing.TB, d *Detector, f detect.Fragment) ([]report.Finding, bool) {
	t.Helper()
	want := d.d.DetectContext(context.Background(), f)
	got, ok := d.fast.detect(context.Background(), d.d, f)
	if !ok {
		return want, false
	}
	w, g := keys(want), keys(got)
	if strings.Join(w, "\n") != strings.Join(g, "\n") {
		t.Fatalf("%s (from line %d, %d bytes): windowed scan differs from gitleaks\nonly gitleaks:\n  %s\nonly windowed:\n  %s\nfragment: %s",
			f.FilePath, f.StartLine, len(f.Raw), strings.Join(minus(w, g), "\n  "), strings.Join(minus(g, w), "\n  "), clip(fmt.Sprintf("%q", f.Raw)))
	}
	return got, true
}

// minus returns the keys of a not in b (as multisets), each clipped.
func minus(a, b []string) []string {
	n := map[string]int{}
	for _, k := range b {
		n[k]++
	}
	var out []string
	for _, k := range a {
		if n[k] > 0 {
			n[k]--
			continue
		}
		out = append(out, clip(k))
	}
	return out
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "..."
	}
	return s
}

func TestGenericPatternIsGitleaksOwn(t *testing.T) {
	cfg, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	r := cfg.Rules[genericAPIKeyID]
	if r.Regex == nil || r.Regex.String() != genericAPIKeyPattern {
		t.Fatalf("gitleaks' %s rule changed: re-check mayMatchAfterKeyword's value condition against\n%v\nand update genericAPIKeyPattern", genericAPIKeyID, r.Regex)
	}
	wr, ok := templateRule(r)
	if !ok || !wr.value || wr.reach != len("credential")+20+3+4+5 {
		t.Fatalf("templateRule(%s) = %+v, %v", genericAPIKeyID, wr, ok)
	}
	got := append([]string(nil), wr.keywords...)
	sort.Strings(got)
	want := "access api auth credential creds key passwd password secret token"
	if strings.Join(got, " ") != want {
		t.Errorf("keywords %v, want %s", got, want)
	}
}

func windowedIDs(w *windowed) map[string]bool {
	ids := map[string]bool{}
	if w != nil {
		for _, r := range w.rules {
			ids[r.id] = true
		}
	}
	return ids
}

func copyConfig(cfg config.Config) config.Config {
	c := cfg
	c.Rules = map[string]config.Rule{}
	for id, r := range cfg.Rules {
		c.Rules[id] = r
	}
	return c
}

// Which of gitleaks' rules take the windowed path, and which must not.
func TestTemplateRules(t *testing.T) {
	cfg, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	ids := windowedIDs(newWindowed(context.Background(), cfg))
	t.Logf("%d of %d rules windowed", len(ids), len(cfg.Rules))
	for _, id := range []string{genericAPIKeyID, "sentry-access-token", "etsy-access-token", "lob-api-key", "lob-pub-api-key",
		"vault-service-token", "jwt", "github-pat", "aws-access-token"} {
		if !ids[id] {
			t.Errorf("%s is not windowed", id)
		}
	}
	// A private key block spans lines; a curl command line may too.
	for _, id := range []string{"private-key", "curl-auth-header"} {
		if ids[id] {
			t.Errorf("%s is windowed", id)
		}
	}
	if len(ids) < 80 {
		t.Errorf("only %d rules windowed", len(ids))
	}

	// A custom pattern under the generic rule's ID, a template whose
	// value can span lines, a rule another rule requires: not windowed.
	custom := copyConfig(cfg)
	r := custom.Rules[genericAPIKeyID]
	r.Regex = cfg.Rules["aws-access-token"].Regex
	custom.Rules[genericAPIKeyID] = r
	s := custom.Rules["sentry-access-token"]
	s.Regex = glregexp.MustCompile(strings.Replace(s.Regex.String(), "([a-f0-9]{64})", `([a-f0-9\s]{64})`, 1))
	custom.Rules["sentry-access-token"] = s
	e := custom.Rules["aws-access-token"]
	e.RequiredRules = []*config.Required{{RuleID: "etsy-access-token"}}
	custom.Rules["aws-access-token"] = e
	ids = windowedIDs(newWindowed(context.Background(), custom))
	for _, id := range []string{genericAPIKeyID, "sentry-access-token", "etsy-access-token"} {
		if ids[id] {
			t.Errorf("%s is windowed in the custom config", id)
		}
	}
	if !ids["lob-api-key"] {
		t.Error("lob-api-key should still be windowed")
	}
}

// Constructed cases at the edges of the window argument: values after
// up to eight newlines, keywords at the start and the end of a fragment,
// `$` at the very end, CRLF, upper case, gitleaks:allow, a generic match
// shadowed by a specific rule on the same line, keywords closer and
// farther than the merge gap, and fragments that do not start on line 1.
func TestWindowedEdgeCases(t *testing.T) {
	d := defaultDetector(t)
	val := "Zx9Qw7Er5Ty3Ui1Op8As6Df"
	pad := strings.Repeat("filler line without the words\n", 40)
	cases := map[string]string{
		"one line":             `api_key = "` + val + `"` + "\n",
		"at EOF without \\n":   `token=` + val,
		"value at EOF":         "x\n" + pad + "secret: " + val,
		"keyword first byte":   "Token = '" + val + "'\nnext\n",
		"newlines before op":   "password \n\n\n= " + val + "\n",
		"newlines after op":    "credential =\n \n\n\n\n" + val + ";\n",
		"eight newlines":       "auth_code \n\n\n=\n\n\n\n\n" + val + "\n" + pad,
		"crlf":                 "access_key = " + val + "\r\nother = 1\r\n",
		"upper case":           "API_KEY=" + val + "\nAPI_TOKEN: " + val + "x\n",
		"allow comment":        "secret = \"" + val + "\" // gitleaks:allow\n",
		"shadowed by aws":      "aws_api_key = AKIAQYLPMN5HHHFPZAM2\n",
		"near keywords":        "key1 = " + val + "\nx\nkey2 = " + val + "y\n",
		"far keywords":         "key1 = " + val + "\n" + pad + "key2 = " + val + "y\n" + pad,
		"long prefix":          strings.Repeat("a", 60) + "_token = " + val + "\n",
		"value on next line":   pad + "myKey:\n  " + val + "\n" + pad,
		"escaped newline term": `"apikey=` + val + `\n"` + "\n",
		"many on a line":       "key=" + val + " token=" + val + "q secret=" + val + "w\n",
		"no keyword":           pad,
		"keyword no value":     "the key is elsewhere\n" + pad,
		"columns past line 1":  pad + "\t\tclient_secret := \"" + val + "\"\n",
	}
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	generic := 0
	for _, name := range names {
		for _, start := range []int{1, 37} {
			got, ok := sameAsGitleaks(t, d, detect.Fragment{Raw: cases[name], FilePath: "cases/" + name, StartLine: start})
			if !ok {
				t.Errorf("%s: fast path declined a fragment with nothing to decode", name)
			}
			for _, f := range got {
				if f.RuleID == genericAPIKeyID {
					generic++
				}
			}
		}
	}
	if generic < 20 {
		t.Errorf("only %d generic findings over the cases: the comparison proves little", generic)
	}
	// Go's (?i) folds the Kelvin sign with k and the long s with s: gitleaks
	// finds a key spelled with a Kelvin sign, which the ASCII anchors would
	// miss, so such fragments go through the unchanged detector.
	for _, s := range []string{"\u212aey = \"" + val + "\"\n", "\u017fecret = \"" + val + "\"\n", "api_key\u212a = \"" + val + "\"\n"} {
		f := detect.Fragment{Raw: s, FilePath: "cases/fold", StartLine: 1}
		if _, ok := d.fast.detect(context.Background(), d.d, f); ok {
			t.Errorf("fast path took %q", s)
		}
		if found := d.detect(context.Background(), f); len(found) == 0 && strings.HasPrefix(s, "\u212a") {
			t.Errorf("%q: the Kelvin-sign key was not found", s)
		}
	}
}

// Real text: gitleaks' own rule sources (full of sample secrets, one per
// rule) and its test data, plus Go source from the module cache, through
// gitleaks' own chunking. Every fragment the fast path takes must give the
// same findings as gitleaks' detector.
func TestWindowedEqualsGitleaksOnRealSource(t *testing.T) {
	d := defaultDetector(t)
	modcache := goEnv(t, "GOMODCACHE")
	gl := filepath.Join(modcache, "github.com/zricethezav/gitleaks/v8@v8.30.1")
	roots := []string{filepath.Join(gl, "cmd/generate/config/rules"), filepath.Join(gl, "testdata")}
	var taken, declined, generic, total int
	for _, root := range roots {
		if _, err := os.Stat(root); err != nil {
			t.Fatalf("%s: %v (is gitleaks v8.30.1 in the module cache?)", root, err)
		}
		// Fragments arrive on gitleaks' worker goroutines: collect them,
		// then compare here, where a failure may stop the test.
		var mu sync.Mutex
		var frags []detect.Fragment
		src := &sources.Files{Config: &d.d.Config, Path: root, Sema: d.d.Sema}
		err := src.Fragments(context.Background(), func(f sources.Fragment, err error) error {
			if err == nil {
				mu.Lock()
				frags = append(frags, detect.Fragment(f))
				mu.Unlock()
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range frags {
			got, ok := sameAsGitleaks(t, d, f)
			if ok {
				taken++
			} else {
				declined++
			}
			for _, f := range got {
				total++
				if f.RuleID == genericAPIKeyID {
					generic++
				}
			}
		}
	}
	// Go source from the module cache, in a stable order, up to 3 MB.
	var size int
	stop := fmt.Errorf("enough")
	_ = filepath.WalkDir(modcache, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".go") || strings.Contains(p, "/cache/") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		size += len(b)
		if _, ok := sameAsGitleaks(t, d, detect.Fragment{Raw: string(b), FilePath: p, StartLine: 1}); ok {
			taken++
		} else {
			declined++
		}
		if size > 3<<20 {
			return stop
		}
		return nil
	})
	t.Logf("%d fragments through the fast path, %d declined (U+XXXX text); %d findings, %d generic", taken, declined, total, generic)
	if taken < 100 || generic < 20 {
		t.Errorf("too little coverage: %d fragments, %d generic findings", taken, generic)
	}
}

func goEnv(t testing.TB, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

func TestWindowsAt(t *testing.T) {
	raw := "a\nb key\nc\nd\n" + strings.Repeat("e\n", 400) + "TOKEN\n" + strings.Repeat("f\n", 400)
	const reach = 42
	ws := windowsAt(raw, []int{strings.Index(raw, "TOKEN"), strings.Index(raw, "key")}, reach)
	if len(ws) != 2 {
		t.Fatalf("windows = %+v, want two", ws)
	}
	if w := ws[0]; w.start != 1 || raw[w.start] != '\n' {
		t.Errorf("first window %+v must start on the newline before its line", w)
	}
	if w := ws[1]; !strings.HasPrefix(raw[w.start:w.end], "\nTOKEN\n") || w.end-w.start > 1+len("TOKEN")+reach+3 {
		t.Errorf("second window %+v = %q", w, raw[w.start:w.end])
	}
	// A last line without a newline: gitleaks' Line for a match there is
	// the fragment from its start, so the window must be all of it.
	ws = windowsAt(raw+"key=1", []int{len(raw)}, reach)
	if len(ws) != 1 || ws[0].start != 0 || ws[0].end != len(raw)+5 {
		t.Errorf("windows = %+v, want the whole fragment", ws)
	}
	text := windowText(raw, windowsAt(raw, []int{strings.Index(raw, "TOKEN")}, reach))
	if strings.Count(text, "\n") > strings.Count(raw, "\n") || strings.Index(text, "TOKEN") < 0 ||
		strings.Count(text[:strings.Index(text, "TOKEN")], "\n") != strings.Count(raw[:strings.Index(raw, "TOKEN")], "\n") {
		t.Errorf("windowText moved TOKEN to another line: %q", text)
	}
}

// TestWindowsHoldEveryMatch checks the window argument at the level of the
// pattern itself, where gitleaks' entropy and allowlist filters cannot hide
// a difference: on random text made of the pattern's own pieces, the
// matches of the pattern in the windows are its matches in the whole text.
func TestWindowsHoldEveryMatch(t *testing.T) {
	cfg, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	w := newWindowed(context.Background(), cfg)
	gi := -1
	for i, r := range w.rules {
		if r.id == genericAPIKeyID {
			gi = i
		}
	}
	if gi < 0 {
		t.Fatal("generic-api-key is not windowed")
	}
	re := regexp.MustCompile(genericAPIKeyPattern)
	pieces := []string{
		"key", "KEY", "Key", "token", "api", "API", "aPi", "passwd", "password", "credential", "creds", "secret", "access", "auth",
		" ", "  ", "\t", "\n", "\n", "\r\n", "\f",
		"=", ":", "::=", ":::=", "||", "=>", "?=", ",", ">", "?", "|",
		"'", "\"", "`", ";", "\\n", "\\r", "==", "(", ")", "*", "{",
		"abcdefghij12", "Zx9Qw7Er5Ty3", "a1/b2+c3d4e5f6", "x.y-z_w", "0123456789", "ab", "_", ".", "-", "+", "/",
	}
	rng := rand.New(rand.NewPCG(6, 28))
	matches := 0
	for n := 0; n < 30000; n++ {
		var b strings.Builder
		for k := rng.IntN(40); k >= 0; k-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
			if rng.IntN(8) == 0 {
				b.WriteString(nearMatch(rng))
			}
		}
		s := b.String()
		want := placed(s, re.FindAllStringIndex(s, -1))
		var got []string
		ws := windowsAt(s, w.hits(s, asciiLower(s))[gi], w.rules[gi].reach)
		if len(ws) > 0 {
			text := windowText(s, ws)
			got = placed(text, re.FindAllStringIndex(text, -1))
		}
		if strings.Join(want, "\n") != strings.Join(got, "\n") {
			t.Fatalf("%q: matches\n%s\nin the whole text,\n%s\nin the windows %+v", s, strings.Join(want, "\n"), strings.Join(got, "\n"), ws)
		}
		matches += len(want)
	}
	if matches < 1000 {
		t.Errorf("only %d matches over the random texts: the check proves little", matches)
	}
}

// placed describes matches as gitleaks places them: line (newlines
// before), offset from the newline before, and the text.
func placed(text string, ms [][]int) []string {
	var out []string
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%d:%d %q", strings.Count(text[:m[0]], "\n"), m[0]-strings.LastIndexByte(text[:m[0]], '\n'), text[m[0]:m[1]]))
	}
	return out
}

// nearMatch builds text shaped like the pattern, with each part often at
// its longest (20 gap characters, 3 quotes or blanks, 4 operator
// characters, 5 before the value), so that the reach bound is exercised.
func nearMatch(rng *rand.Rand) string {
	pick := func(chars string, max int) string {
		n := rng.IntN(max + 1)
		if rng.IntN(2) == 0 {
			n = max
		}
		var b strings.Builder
		for range n {
			b.WriteByte(chars[rng.IntN(len(chars))])
		}
		return b.String()
	}
	kws := []string{"credential", "password", "access", "secret", "token", "auth", "API", "key"}
	ops := []string{"=", ">", ":=", "::=", ":::=", "||", ":", "=>", "?=", ","}
	return pick("ab_", 3) + kws[rng.IntN(len(kws))] + pick(" \t_.-aZ9", 20) + pick("\n\n \t'\"", 3) +
		ops[rng.IntN(len(ops))] + pick("\n\n`'\" =", 5) + pick("aB3dE5gH7jK9+/=._-", 16) + pick("\n;'` ", 1)
}

func TestMayMatchAfterKeyword(t *testing.T) {
	for line, want := range map[string]bool{
		"func (k *Key) String() string {":            false,
		"tokens []Token":                             false,
		"var keyFunc = func() {}":                    false,
		"api_key = \"Zx9Qw7Er5Ty3Ui1Op8As6Df\"":      true,
		"password:\n\n  hunter2hunter2":              true,
		"TOKEN ?= abcdefghijkl":                      true,
		"key, err := x509.ParsePKCS8PrivateKey(der)": false, // "err" is no ten-character value
		"authToken := config.AuthorizationToken":     true,  // the pattern matches; entropy then decides
	} {
		lower := string(asciiLower(line))
		got := false
		for _, kw := range []string{"access", "api", "auth", "credential", "creds", "key", "passwd", "password", "secret", "token"} {
			for i := strings.Index(lower, kw); i >= 0 && !got; i = indexFrom(lower, kw, i+1) {
				got = mayMatchAfterKeyword(lower, i+len(kw), true)
			}
		}
		if got != want {
			t.Errorf("%q: mayMatchAfterKeyword = %v, want %v", line, got, want)
		}
	}
}

func indexFrom(s, sub string, from int) int {
	if from > len(s) {
		return -1
	}
	if i := strings.Index(s[from:], sub); i >= 0 {
		return from + i
	}
	return -1
}

// FuzzWindowed: on any text, the fast path finds what gitleaks finds.
func FuzzWindowed(f *testing.F) {
	for _, s := range []string{
		"api_key = \"Zx9Qw7Er5Ty3Ui1Op8As6Df\"\n",
		"password \n\n\n= Zx9Qw7Er5Ty3Ui1Op8As6Df\n",
		"x\nTOKEN:\tab12cd34ef56gh78\r\n",
		"\u212aey = \"Zx9Qw7Er5Ty3Ui1Op8As6Df\"\n",
		"x := apiKey.Get(ctx)\ntokens, err := parse(b)\n",
		"creds:::= `Zx9Qw7Er5Ty3Ui1Op8As6Df`\n",
		"my_password_for_the_db_x\t'\n?=\n\n'aB3dE5gH7jK9\n",
		"SECRET_KEY || Zx9Qw7Er5Ty3Ui1Op8As6Df\\n",
		"credential =\n \n\n\n\nZx9Qw7Er5Ty3Ui1Op8As6Df",
		"sentry_auth_token: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
		"LOB_KEY = 'live_0123456789abcdef0123456789abcdef012'\n",
		"etsyToken := \"abcdefghij0123456789klmn\"\n",
		"v := \"ghp_0123456789abcdefghijABCDEFGHIJ012345\"\n",
		"VAULT_TOKEN=s.Ab3dEf5hIj7lMn9pQr1tUv3x;\n",
		"eyJhbGciOiJIUzI1NiJ9x.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
		"id AKIAQYLPMN5HHHFPZAM2 ",
		// Encoded text: decoded passes (decoded.go).
		"x\npassword \n= YXBpX2tleSA9ICJaeDlRdzdFcjVUeTNVaTFPcDhBczZEZiI=\nnext\n",
		"YXBpX2tleQ== = Zx9Qw7Er5Ty3Ui1Op8As6Df\n",
		"t: 746f6b656e203d205a783951773745723554793355693121\n",
		"%74%6F%6B%65%6E%3D%5A%78%39%51%77%37%45%72%35%54%79%33\n",
		"\\u0074\\u006f\\u006b\\u0065\\u006e = Zx9Qw7Er5Ty3Ui1Op8As6Df\n",
		"WVhCcFgydGxlU0E5SUZwNE9WRjNOMFZ5TlZSNU0xVnBNVTl3T0VGek5rUm0=\nline\n",
		"U+0041 U+0042\nkey = Zx9Qw7Er5Ty3Ui1Op8As6Df\n",
	} {
		f.Add(s)
	}
	d := defaultDetector(f)
	f.Fuzz(func(t *testing.T, s string) {
		sameAsGitleaks(t, d, detect.Fragment{Raw: s, FilePath: "fuzz.txt", StartLine: 1})
	})
}

// Every windowed rule on gitleaks' own true-positive shapes: the sample
// lines gitleaks' generator writes for a keyword and a secret (INI, JSON,
// YAML, XML, Go, C#, shell, ...), with a secret drawn from the rule's
// value pattern. The fast path must find what gitleaks finds, and most
// rules must fire on their samples, or the comparison proves little.
func TestWindowedRulesOnGitleaksSamples(t *testing.T) {
	d := defaultDetector(t)
	rng := rand.New(rand.NewPCG(28, 11))
	fired := map[string]bool{}
	taken, all := 0, 0
	for _, wr := range d.fast.rules {
		re, err := syntax.Parse(wr.valuePattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < 2; n++ {
			secret := sample(rng, re.Simplify())
			for _, kw := range wr.keywords[:min(2, len(wr.keywords))] {
				for i, line := range utils.GenerateSampleSecrets(kw, secret) {
					f := detect.Fragment{Raw: line + "\n", FilePath: fmt.Sprintf("samples/%s-%d.txt", wr.id, i), StartLine: 1}
					got, ok := sameAsGitleaks(t, d, f)
					all++
					if ok {
						taken++
					}
					for _, g := range got {
						fired[g.RuleID] = true
					}
				}
			}
		}
	}
	n := 0
	for _, wr := range d.fast.rules {
		if fired[wr.id] {
			n++
		}
	}
	t.Logf("%d of %d windowed rules fired on their samples; %d of %d samples through the fast path", n, len(d.fast.rules), taken, all)
	if n < len(d.fast.rules)*3/4 || taken < all/2 {
		t.Errorf("only %d of %d windowed rules fired on their samples", n, len(d.fast.rules))
	}
}

// sample returns a random string matching re (ASCII classes, short repeats).
func sample(rng *rand.Rand, re *syntax.Regexp) string {
	var b strings.Builder
	var gen func(*syntax.Regexp)
	gen = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpLiteral:
			b.WriteString(string(re.Rune))
		case syntax.OpCharClass:
			var cs []rune
			for i := 0; i+1 < len(re.Rune); i += 2 {
				for c := re.Rune[i]; c <= re.Rune[i+1] && c < 128; c++ {
					if c > ' ' && c != '\\' {
						cs = append(cs, c)
					}
				}
			}
			if len(cs) > 0 {
				b.WriteRune(cs[rng.IntN(len(cs))])
			}
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			b.WriteByte('x')
		case syntax.OpCapture:
			gen(re.Sub[0])
		case syntax.OpConcat:
			for _, s := range re.Sub {
				gen(s)
			}
		case syntax.OpAlternate:
			gen(re.Sub[rng.IntN(len(re.Sub))])
		case syntax.OpQuest:
			if rng.IntN(2) == 0 {
				gen(re.Sub[0])
			}
		case syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
			lo, hi := re.Min, re.Max
			if re.Op != syntax.OpRepeat {
				lo, hi = 0, -1
				if re.Op == syntax.OpPlus {
					lo = 1
				}
			}
			if hi < 0 || hi > lo+8 {
				hi = lo + 8
			}
			for k := lo + rng.IntN(hi-lo+1); k > 0; k-- {
				gen(re.Sub[0])
			}
		}
	}
	gen(re)
	return b.String()
}

// The same check for prefix rules: on random text made of their prefixes
// and token characters, each rule's matches in its windows are its
// matches in the whole text.
func TestPrefixWindowsHoldEveryMatch(t *testing.T) {
	cfg, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	w := newWindowed(context.Background(), cfg)
	pieces := []string{"s.", "hvs.", "ey", "eyJ", "AKIA", "ASIA", "A3T", "ghp_", "github_pat_", ".", "\n", "\r\n", " ", "'", "\"", "\\n", "-", "_", "=", ";", "/", "+", "(", "#"}
	rng := rand.New(rand.NewPCG(11, 28))
	for _, id := range []string{"vault-service-token", "jwt", "aws-access-token", "github-pat", "github-fine-grained-pat"} {
		ri := -1
		for i, r := range w.rules {
			if r.id == id {
				ri = i
			}
		}
		if ri < 0 || w.rules[ri].anchored == nil {
			t.Fatalf("%s is not a windowed prefix rule", id)
		}
		re := regexp.MustCompile(cfg.Rules[id].Regex.String())
		matches := 0
		for n := 0; n < 5000; n++ {
			var b strings.Builder
			for k := rng.IntN(30); k >= 0; k-- {
				run := func(chars string, lo, hi int) {
					for m := lo + rng.IntN(hi-lo+1); m > 0; m-- {
						b.WriteByte(chars[rng.IntN(len(chars))])
					}
				}
				const upper, alnum = "ABCDEFXYZ0123456789", "ABCDEFabcdef0123456789xyzXYZ"
				switch rng.IntN(6) {
				case 0:
					run(alnum, 1, 90)
				case 1: // near a JWT
					b.WriteString("ey")
					run(alnum, 15, 20)
					b.WriteString(".ey")
					run(alnum+"/_-", 15, 20)
					b.WriteString(".")
					run(alnum, 8, 12)
				case 2: // near an AWS key id, mostly between word boundaries
					seps := []string{" ", "\n", "'", "", "x"}
					b.WriteString(seps[rng.IntN(len(seps))])
					b.WriteString([]string{"AKIA", "ASIA", "A3TX"}[rng.IntN(3)])
					run(upper, 14, 17)
					b.WriteString(seps[rng.IntN(len(seps))])
				case 3: // near a Vault token, then a terminator or not
					seps := []string{" ", "\n", "'", ";", "", "x", "\\n"}
					if rng.IntN(2) == 0 {
						b.WriteString("s.")
						run(alnum, 22, 26)
					} else {
						b.WriteString("hvs.")
						run(alnum+"_-", 88, 122)
					}
					b.WriteString(seps[rng.IntN(len(seps))])
				default:
					b.WriteString(pieces[rng.IntN(len(pieces))])
				}
			}
			s := b.String()
			want := placed(s, re.FindAllStringIndex(s, -1))
			var got []string
			if ws := windowsAt(s, w.hits(s, asciiLower(s))[ri], w.rules[ri].reach); len(ws) > 0 {
				text := windowText(s, ws)
				got = placed(text, re.FindAllStringIndex(text, -1))
			}
			if strings.Join(want, "\n") != strings.Join(got, "\n") {
				t.Fatalf("%s on %q: matches\n%s\nin the whole text,\n%s\nin the windows", id, s, strings.Join(want, "\n"), strings.Join(got, "\n"))
			}
			matches += len(want)
		}
		t.Logf("%s: %d matches", id, matches)
		if matches < 20 {
			t.Errorf("%s: only %d matches over the random texts", id, matches)
		}
	}
}
