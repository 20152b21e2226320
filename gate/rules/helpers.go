package rules

import (
	"iter"
	"path"
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// Helpers shared by several rules. Each question has one answer here, so
// rules cannot drift apart on what "shipped", "in the image" or "cleaned"
// means.

// ShippedCommands yields the shell commands of RUNs in stages that take
// part in building the target (nested "sh -c" and substitution commands
// included, as in Commands).
func (c *Context) ShippedCommands() iter.Seq2[*dockerfile.Instruction, *dockerfile.SimpleCommand] {
	return func(yield func(*dockerfile.Instruction, *dockerfile.SimpleCommand) bool) {
		for in, cmd := range c.Commands() {
			if in.Stage != nil && (in.Stage.ReachesTarget || c.Compat()) && !yield(in, cmd) {
				return
			}
		}
	}
}

// ImageStages are the stages whose layers make up the image: the target
// and the stages it is built FROM, base first. COPY --from sources are
// not among them, only the files copied out of them. Under compat:
// hadolint every stage counts, as hadolint checks each one.
func (c *Context) ImageStages() []*dockerfile.Stage {
	if c.Compat() {
		return c.File.Stages
	}
	return c.targetChain()
}

// targetChain is the target and the stages it is built FROM, base first,
// whatever the compat setting (hadolint's DL3009 scopes itself this way).
func (c *Context) targetChain() []*dockerfile.Stage {
	var out []*dockerfile.Stage
	for s := c.Target(); s != nil; s = s.BaseStage {
		out = append(out, s)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// imageLayerRuns returns the RUN instructions of ImageStages.
func imageLayerRuns(ctx *Context) []*dockerfile.Instruction {
	var out []*dockerfile.Instruction
	for _, s := range ctx.ImageStages() {
		for _, in := range s.Instructions {
			if in.Kind == dockerfile.KindRun {
				out = append(out, in)
			}
		}
	}
	return out
}

// Expand expands a Dockerfile word as BuildKit does (quotes removed,
// ARG/ENV values visible at the instruction substituted, the file's escape
// token honoured). known is false when the result depends on a variable
// with no value the linter can see, so rules can stay quiet instead of
// judging an empty string; "${V:-x}" with V unknown is known (x, like any
// ARG default).
func (c *Context) Expand(in *dockerfile.Instruction, raw string) (value string, known bool) {
	esc := c.File.EscapeToken
	if esc == 0 {
		esc = '\\'
	}
	res, err := shell.NewLex(esc).ProcessWordWithMatches(raw, instructionEnv{in})
	if err != nil {
		return raw, false
	}
	for name := range res.Unmatched {
		if !onlyWithDefault(raw, name) {
			return res.Result, false
		}
	}
	return res.Result, true
}

var varRefRe = regexp.MustCompile(`\$(\{)?([A-Za-z_][A-Za-z0-9_]*)(:?-)?`)

// onlyWithDefault reports whether every reference to name in raw is of
// the form ${name:-default} or ${name-default}.
func onlyWithDefault(raw, name string) bool {
	for _, m := range varRefRe.FindAllStringSubmatch(raw, -1) {
		if m[2] == name && (m[1] == "" || m[3] == "") {
			return false
		}
	}
	return true
}

// instructionEnv exposes the ARG/ENV values visible to an instruction to
// BuildKit's word expansion.
type instructionEnv struct{ in *dockerfile.Instruction }

func (e instructionEnv) Get(k string) (string, bool) {
	if e.in == nil {
		return "", false
	}
	return e.in.Var(k)
}
func (e instructionEnv) Keys() []string { return nil }

// cacheMountCovers reports whether a RUN mounts a cache or tmpfs at one of
// dirs, above it, or below it, which keeps what is written there out of
// the layer.
func cacheMountCovers(in *dockerfile.Instruction, dirs ...string) bool {
	for _, t := range cacheMountTargets(in) {
		t = path.Clean(t)
		for _, d := range dirs {
			if t == d || strings.HasPrefix(t, d+"/") || strings.HasPrefix(d, t+"/") {
				return true
			}
		}
	}
	return false
}

// cacheMountTargets are the targets of a RUN's cache and tmpfs mounts.
func cacheMountTargets(in *dockerfile.Instruction) []string {
	run := in.Run()
	if run == nil {
		return nil
	}
	var out []string
	for _, m := range instructions.GetMounts(run) {
		if m.Type == instructions.MountTypeCache || m.Type == instructions.MountTypeTmpfs {
			out = append(out, m.Target)
		}
	}
	return out
}

// rmDeletesUnder reports whether an rm command empties one of dirs: it
// deletes the directory, all its contents ("rm -rf /var/cache/yum/*",
// "/var/cache/yum*"), or a directory holding it ("rm -r /var/lib/apt").
// Deleting one subdirectory ("lists/partial") does not count.
func rmDeletesUnder(c *dockerfile.SimpleCommand, dirs ...string) bool {
	for _, w := range c.Args[min(1, len(c.Args)):] {
		p := path.Clean(strings.TrimRight(w.Value, "*"))
		if p == "." || p == "/" {
			continue
		}
		for _, d := range dirs {
			if p == d || strings.HasPrefix(d, p+"/") ||
				strings.HasPrefix(p, d) && strings.HasSuffix(w.Value, "*") {
				return true
			}
		}
	}
	return false
}

// cliOperands returns the arguments after argv[0] that are not options,
// skipping the values of the options in valueOpts ("-c file"); "--" ends
// the options. A word that is not literal is an operand.
func cliOperands(c *dockerfile.SimpleCommand, valueOpts map[string]bool) []dockerfile.Word {
	var out []dockerfile.Word
	args := c.Args[min(1, len(c.Args)):]
	for i := 0; i < len(args); i++ {
		v := args[i].Value
		switch {
		case v == "--" && args[i].Literal:
			return append(out, args[i+1:]...)
		case strings.HasPrefix(v, "-") && len(v) > 1 && args[i].Literal:
			if valueOpts[v] {
				i++
			}
		default:
			out = append(out, args[i])
		}
	}
	return out
}

// dockerHubAliases are the names of Docker Hub's registry; a pattern naming
// one trusts them all.
var dockerHubAliases = map[string]bool{"docker.io": true, "index.docker.io": true, "registry-1.docker.io": true, "registry.hub.docker.com": true, "hub.docker.com": true}

// registryTrusted matches host patterns against the image's registry and
// patterns with a "/" against registry/repository (config.MatchRegistry).
func registryTrusted(patterns []string, ref dockerfile.ImageRef) bool {
	for _, p := range patterns {
		p = strings.ToLower(strings.TrimSpace(p))
		if !strings.Contains(p, "/") {
			if config.MatchRegistry(p, ref.Registry) || dockerHubAliases[p] && dockerHubAliases[ref.Registry] {
				return true
			}
			continue
		}
		if config.MatchRegistry(p, ref.Name()) || config.MatchRegistry(p, ref.Registry+"/"+ref.Repository) {
			return true
		}
	}
	return false
}
