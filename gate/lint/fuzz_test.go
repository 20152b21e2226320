package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/buildkitlint"
	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"github.com/crank-platform/terraform-provider-crank/gate/rules"
)

// FuzzLint runs the parser and every rule (including off-by-default ones)
// plus suppression handling on arbitrary input: none may panic or hang.
func FuzzLint(f *testing.F) {
	for _, r := range rules.All() {
		f.Add([]byte(r.Bad))
		f.Add([]byte(r.Good))
	}
	f.Add([]byte("# check=skip=all\nARG A=${B:-x}\nFROM ${A}:1 AS a\n# hadolint ignore=DL3006\nRUN <<EOF bash\nset -o pipefail; a | b\nEOF\nFROM a\nCOPY --from=0 / /\nUSER 0\n"))
	// Directives in and out of place (issue 17: a "# check=" after the
	// first line crashed BuildKit's parser), escape characters, heredocs
	// and the bytes hostile files carry.
	for _, s := range []string{
		"FROM scratch\n# check=skip=JSONArgsRecommended\nCMD x\n",
		"# syntax=docker/dockerfile:1\n# check=error=true;skip=all\n# escape=`\nFROM scratch\nRUN a `\n  b\n",
		"# escape=`\nFROM windows\nRUN dir c:\\ `\n && echo\n",
		"# escape=\\\n# check=experimental=all\nARG X\n# check=skip=InvalidDefinitionDescription\nFROM scratch AS a\n# check=\nCOPY <<A <<B /x\na\nA\nb\nB\n",
		"FROM scratch\nRUN <<-EOT sh -c 'cat'\n\tx\n\tEOT\nRUN <<\"E\" cat\n$HOME\nE\n",
		"FROM scratch\nRUN echo a\x00b\nLABEL k\x1b[2J=v\nENV \u202eA=1\n",
		"FROM scratch\nRUN <<EOF\nnever ends\n",
	} {
		f.Add([]byte(s))
	}
	if paths, _ := filepath.Glob("/work/shared/corpus/dockerfiles/*"); len(paths) > 0 {
		for _, p := range paths[:min(40, len(paths))] {
			if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
				f.Add(data)
			}
		}
	}
	cat := rules.All()
	for i := range cat {
		cat[i].OffByDefault = false
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if fl, err := dockerfile.Parse(data, dockerfile.Options{Path: "fuzz"}); err == nil {
			rules.Run(fl, cat, config.Default())
		}
		Lint([]Input{{Path: "fuzz", Data: data}}, Options{Catalogue: cat})
	})
}

// FuzzBuildKitBlanked: BuildKit's checks report the same on the file with
// its RUN scripts blanked (what lint hands BuildKit) as on the file itself.
func FuzzBuildKitBlanked(f *testing.F) {
	f.Add([]byte("FROM scratch\nRUN a \\\n\n  b\nRUN --mount=type=cache,target=$C \\\n  --network=none x \\\n  # c\n  y\nrun z\n"))
	f.Add([]byte("# escape=`\nFROM scratch AS A\nRUN a `\n  b\nENV K v\n"))
	f.Add([]byte("FROM scratch\nRUN <<EOF\na \\\n\nEOF\nRUN [\"a\", \\\n \"b\"]\n"))
	if paths, _ := filepath.Glob("/work/shared/corpus/dockerfiles/*/*"); len(paths) > 0 {
		for _, p := range paths[:min(40, len(paths))] {
			if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
				f.Add(data)
			}
		}
	}
	warnings := func(src []byte) string {
		res := buildkitlint.Lint(context.Background(), src, buildkitlint.Options{})
		var b strings.Builder
		for _, w := range res.Warnings {
			fmt.Fprintf(&b, "%s:%d-%d %s\n", w.Rule, w.Line, w.EndLine, w.Message)
		}
		fmt.Fprintf(&b, "error: %v", res.Err != nil)
		return b.String()
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fl, err := dockerfile.Parse(data, dockerfile.Options{Path: "fuzz"})
		if err != nil || len(data) > 64<<10 {
			return
		}
		blanked := runScriptsBlanked(fl, data)
		if got, want := warnings(blanked), warnings(data); got != want {
			t.Fatalf("BuildKit on the blanked file:\n%s\non the file:\n%s\nblanked:\n%s", got, want, blanked)
		}
	})
}
