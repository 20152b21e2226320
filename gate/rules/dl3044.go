package rules

import (
	"slices"
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
	Differences: "As in hadolint, a variable extending itself (`ENV PATH=/opt/bin:$PATH`) is fine, but doing it " +
		"twice in one ENV fires. hadolint stays silent when the variable was defined by an earlier ARG or ENV, but " +
		"the later pair still gets the old value there, so that fires here; and hadolint also fires when the " +
		"reference comes before the definition (`ENV A=$B B=1`), which reads the earlier value as written and " +
		"does not fire here. `compat: hadolint` restores hadolint's matching.",
	Equivalents: Equivalents{Hadolint: []string{"DL3044"}},
	Check:       checkDL3044,
}

func checkDL3044(ctx *Context) {
	if ctx.Compat() {
		checkDL3044Hadolint(ctx)
		return
	}
	for in := range ctx.Instructions(dockerfile.KindEnv) {
		c, ok := in.Command.(*instructions.EnvCommand)
		if !ok {
			continue
		}
		defined := map[string]bool{}
		for _, kv := range c.Env {
			var stale []string
			for _, ref := range wordReferences(kv.Value, ctx.File.EscapeToken) {
				// defined holds the earlier pairs only, so PATH=/x:$PATH is
				// fine once and stale the second time in one ENV.
				if defined[ref] {
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

// checkDL3044Hadolint is hadolint's check: an ENV fails when a name it
// sets is referenced by another of its pairs (before or after) and no
// earlier ARG or ENV, in any stage, declared that name.
func checkDL3044Hadolint(ctx *Context) {
	known := map[string]bool{}
	for in := range ctx.Instructions(dockerfile.KindEnv, dockerfile.KindArg) {
		if in.Kind == dockerfile.KindArg {
			for _, kv := range in.Pairs {
				known[kv.Key] = true
			}
			continue
		}
		c, ok := in.Command.(*instructions.EnvCommand)
		if !ok {
			continue
		}
		var stale []string
		for i, kv := range c.Env {
			if known[kv.Key] {
				continue
			}
			for j, other := range c.Env {
				if i != j && slices.Contains(wordReferences(other.Value, ctx.File.EscapeToken), kv.Key) {
					stale = append(stale, kv.Key)
					break
				}
			}
		}
		for _, kv := range c.Env {
			known[kv.Key] = true
		}
		if len(stale) > 0 {
			ctx.Report(in, "This ENV sets and refers to %s, which is not visible yet; define it in an earlier ENV", strings.Join(stale, ", "))
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
