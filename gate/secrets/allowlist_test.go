package secrets

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
)

// The fast path checks the global allowlists' paths and commits once per
// fragment: every combination must give gitleaks' result, for the default
// allowlist and for OR and AND allowlists of a custom config.
func TestHoistedAllowlistsEqualGitleaks(t *testing.T) {
	custom := filepath.Join(t.TempDir(), "gitleaks.toml")
	err := os.WriteFile(custom, []byte(`
[extend]
useDefault = true

[[allowlists]]
description = "OR: a path, a commit, a regex or a stop word"
paths = ['''(?:^|/)fixtures/''']
commits = ["deadbeef"]
regexes = ['''^Zx9Qw7Er5Ty3Ui1Op8As6DfALLOWED$''']
stopwords = ["stopword"]

[[allowlists]]
description = "OR: paths only"
paths = ['''\.sample$''']

[[allowlists]]
description = "AND: a path and a regex"
condition = "AND"
paths = ['''(?:^|/)docs/''']
regexes = ['''^Zx9Qw7Er5Ty3Ui1Op8As6DfDOCS$''']
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	text := "api_key = \"Zx9Qw7Er5Ty3Ui1Op8As6Df\"\n" +
		"token = \"Zx9Qw7Er5Ty3Ui1Op8As6DfALLOWED\"\n" +
		"secret = \"Zx9Qw7Er5Ty3Ui1Op8As6DfDOCS\"\n" +
		"password = \"Zx9Qw7stopwordEr5Ty3Ui1\"\n" +
		"id AKIAQYLPMN5HHHFPZAM2 \n" +
		"encoded: " + encoders[0]("auth = Zx9Qw7Er5Ty3Ui1Op8As6Df") + "\n"
	for _, cfgPath := range []string{"", custom} {
		cfg, err := LoadConfig(cfgPath)
		if err != nil {
			t.Fatal(err)
		}
		d := NewDetector(context.Background(), cfg)
		nonEmpty := 0
		for _, f := range []detect.Fragment{
			{Raw: text, FilePath: "src/app.go"},
			{Raw: text, FilePath: "go.sum"},
			{Raw: text, FilePath: "node_modules/x/index.js"},
			{Raw: text, FilePath: "fixtures/keys.txt"},
			{Raw: text, FilePath: "a.sample"},
			{Raw: text, FilePath: "docs/readme.md"},
			{Raw: text, FilePath: "src/app.go", CommitSHA: "deadbeef"},
			{Raw: text, FilePath: "src/app.go", CommitSHA: "cafe"},
			{Raw: text, FilePath: `docs\x.txt`, WindowsFilePath: `docs\x.txt`},
			{Raw: text},
		} {
			f.StartLine = 1
			got, ok := sameAsGitleaks(t, d, f)
			if !ok {
				t.Errorf("%s (config %q): fast path declined", f.FilePath, cfgPath)
			}
			if len(got) > 0 {
				nonEmpty++
			}
		}
		if nonEmpty < 3 || nonEmpty > 8 {
			t.Errorf("config %q: %d of 10 fragments with findings: the allowlists are not exercised", cfgPath, nonEmpty)
		}
	}
}

// The reversed path pattern must allow exactly the paths gitleaks' joined
// pattern allows: on the default list, on patterns with every assertion,
// and where a (?i) in one pattern carries into the next (gitleaks joins
// them without a group each, so "GO.MOD" is allowed after a (?i) pattern).
func TestReversedPathsEqualGitleaks(t *testing.T) {
	cfg, err := LoadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	custom, err := LoadConfig(writeConfig(t, `
[[allowlists]]
paths = ['''(?i)\.png$''', '''go\.mod$''', '''^src/(?:a|bc)+/x''', '''\bfoo\b''', '''(?m)^bar$''', '''a{2,3}b*?c\z''', '''(?s)start.end''', '''ümlaut/[^/]+$''', '''\Aabs''', '''\Bmid\B''']
`))
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"", "GO.MOD", "go.mod", "x/go.mod", "img/A.PNG", "src/abcbc/x/y", "src/x", "a/foo/b", "afoo", "bar", "x\nbar\ny",
		"aaac", "aaaabbc", "start\nend", "dir/ümlaut/f", "ümlaut/a/b", "abs/x", "x/abs", "amidb", "a mid b",
		"node_modules/x/y.js", "a/vendor/modules.txt", "pkg/x.dist-info/RECORD", "venv/lib64/python3.11/site-packages/a.py",
		"static/jquery-ui.min.js.map", "a/.git", "gitleaks.toml", "a/package-lock.json", "x\xffy.go"}
	rng := rand.New(rand.NewPCG(3, 14))
	alphabet := []string{"/", ".", "a", "A", "b", "c", "go", "mod", "png", "PNG", "lib", "64", "python", "3", "env", "v", "node_modules",
		"vendor", "git", "json", "lock", "dist-info", "-", "1", "ü", "\n", " ", "foo", "bar", "src", "x", "min", "js", "map"}
	for range 20000 {
		var b strings.Builder
		for k := rng.IntN(12); k >= 0; k-- {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		paths = append(paths, b.String())
	}
	allowed := 0
	for _, c := range []config.Config{cfg, custom} {
		_, hoisted := hoistAllowlists(c)
		if len(hoisted) == 0 {
			t.Fatal("no allowlist hoisted")
		}
		for _, h := range hoisted {
			for _, p := range paths {
				want := h.a.PathAllowed(p)
				if got := h.pathAllowed(p); got != want {
					t.Fatalf("%q: reversed %v, gitleaks %v (pattern %s)", p, got, want, h.rev)
				}
				if want {
					allowed++
				}
			}
		}
	}
	if allowed < 500 {
		t.Errorf("only %d allowed paths: the comparison proves little", allowed)
	}
}

func writeConfig(t *testing.T, toml string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "gitleaks.toml")
	if err := os.WriteFile(p, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
