package secrets

import (
	"context"
	"os"
	"path/filepath"
	"testing"

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
