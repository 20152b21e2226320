package rules

import (
	"sort"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// DL3044: ENV that refers to a variable it defines itself.
var DL3044 = Rule{
	ID:       "DL3044",
	Name:     "env-self-reference",
	Severity: Error,
	Summary:  "Do not refer to an environment variable within the same ENV statement where it is defined.",
	Why: "Docker expands every value of an ENV with the variables as they were before the instruction, so in " +
		"`ENV DIR=/opt/app BIN=$DIR/bin` BIN becomes `/bin`, not `/opt/app/bin`. Split the statement: " +
		"`ENV DIR=/opt/app` then `ENV BIN=$DIR/bin`.",
	Bad:  "FROM alpine:3.20\nENV DIR=/opt/app BIN=$DIR/bin\n",
	Good: "FROM alpine:3.20\nENV DIR=/opt/app\nENV BIN=$DIR/bin\n",
	Differences: "A variable extending itself (`ENV PATH=/opt/bin:$PATH`) is fine and does not fire. hadolint " +
		"stays silent when the variable was defined by an earlier ARG or ENV, but the later pair still gets " +
		"the old value there, so that fires too.",
	Equivalents: Equivalents{Hadolint: []string{"DL3044"}},
	Check:       checkDL3044,
}

func checkDL3044(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindEnv) {
		c, ok := in.Command.(*instructions.EnvCommand)
		if !ok {
			continue
		}
		defined := map[string]bool{}
		for _, kv := range c.Env {
			var stale []string
			for _, ref := range wordReferences(kv.Value, ctx.File.EscapeToken) {
				if defined[ref] && ref != kv.Key {
					stale = append(stale, ref)
				}
			}
			if len(stale) > 0 {
				ctx.Report(in, "%s refers to %s, which this ENV sets and which is not visible yet; define %s in an earlier ENV",
					kv.Key, strings.Join(stale, ", "), strings.Join(stale, ", "))
			}
			defined[kv.Key] = true
		}
	}
}

// wordReferences lists the variables a Dockerfile word refers to, using
// BuildKit's own expansion rules (quotes, escapes, ${VAR:-default}).
func wordReferences(word string, escape rune) []string {
	if !strings.Contains(word, "$") {
		return nil
	}
	if escape == 0 {
		escape = '\\'
	}
	res, err := shell.NewLex(escape).ProcessWordWithMatches(word, emptyEnv{})
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(res.Unmatched))
	for k := range res.Unmatched {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// emptyEnv makes every reference unmatched, so ProcessWordWithMatches
// reports them all.
type emptyEnv struct{}

func (emptyEnv) Get(string) (string, bool) { return "", false }
func (emptyEnv) Keys() []string            { return nil }
