package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// DL3048: invalid label key.
var DL3048 = Rule{
	ID:       "DL3048",
	Name:     "label-key-invalid",
	Severity: Style,
	Summary:  "Label keys should be lower-case reverse-DNS names outside Docker's reserved namespaces.",
	Why: "Docker's label guidelines ask for keys of lower-case letters, digits, `.` and `-`, starting with a " +
		"letter, without consecutive separators, and namespaced by a domain you own (`com.example.role`). " +
		"`com.docker.*`, `io.docker.*` and `org.dockerproject.*` are reserved for Docker. Tools that filter " +
		"by label depend on exact keys, so inconsistent spellings silently break them.",
	Bad:  "FROM alpine:3.20\nLABEL Com.Example.Role=web\n",
	Good: "FROM alpine:3.20\nLABEL com.example.role=web\n",
	Differences: diffLabelStages + " A key that refers to a variable no ARG or ENV declares is judged as " +
		"written (`$` is not a key character), as hadolint does. The rules are hadolint's: reserved namespaces, " +
		"lower-case letters, digits, `.` and `-` only, a letter first, a letter or digit last, no `..`/`--`; here " +
		"`.-` and `-.` count as consecutive separators too (Docker's guidelines). ONBUILD LABELs are checked. " +
		"`compat: hadolint` checks every stage's keys as written.",
	Equivalents: Equivalents{Hadolint: []string{"DL3048"}},
	Check:       checkDL3048,
}

// diffLabelStages explains why label rules look at the image stages only.
const diffLabelStages = "Only LABELs of the stages that become the image (the target and the stages it is built " +
	"`FROM`) are checked; labels of build stages never reach an image (hadolint, and `compat: hadolint`, " +
	"check every stage). Keys and values are ARG-expanded and " +
	"unquoted as Docker does, and labels that depend on an unknown ARG are not judged."

func checkDL3048(ctx *Context) {
	for _, l := range append(imageLabels(ctx), triggerLabels(ctx)...) {
		key := l.key
		switch {
		case ctx.Compat():
			// hadolint judges the key as written.
			key = l.rawKey
		case !l.keyKnown && !refersToDeclaredArg(ctx, l.rawKey):
			// "$x" in a key that no ARG or ENV declares is a literal
			// mistake, not a build-time parameter.
			key = l.rawKey
		case !l.keyKnown:
			continue
		}
		if why := labelKeyProblem(key); why != "" {
			ctx.Report(l.in, "Label key %q %s; use a lower-case reverse-DNS key such as com.example.%s", key, why, suggestLabelKey(key))
		}
	}
}

// refersToDeclaredArg reports whether a word refers to a variable some ARG
// or ENV of the file declares (a value may come with --build-arg).
func refersToDeclaredArg(ctx *Context, word string) bool {
	for _, ref := range wordReferences(word, ctx.File.EscapeToken) {
		for _, in := range ctx.File.Instructions {
			if in.Kind != dockerfile.KindArg && in.Kind != dockerfile.KindEnv {
				continue
			}
			for _, kv := range in.Pairs {
				if kv.Key == ref {
					return true
				}
			}
		}
	}
	return false
}

func labelKeyProblem(k string) string {
	for _, ns := range []string{"com.docker.", "io.docker.", "org.dockerproject."} {
		if strings.HasPrefix(k, ns) {
			return "is in Docker's reserved namespace " + strings.TrimSuffix(ns, ".")
		}
	}
	if k == "" {
		return "is empty"
	}
	for _, r := range k {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '.' && r != '-' {
			return "has characters other than lower-case letters, digits, '.' and '-'"
		}
	}
	if k[0] < 'a' || k[0] > 'z' {
		return "does not start with a letter"
	}
	if last := k[len(k)-1]; last == '.' || last == '-' {
		return "ends with a separator"
	}
	for _, sep := range []string{"..", "--", ".-", "-."} {
		if strings.Contains(k, sep) {
			return "has consecutive separators"
		}
	}
	return ""
}

func suggestLabelKey(k string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(k) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '.' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), ".-")
}

// imageLabel is one key=value of a LABEL, unquoted and ARG-expanded.
type imageLabel struct {
	in                   *dockerfile.Instruction
	key, value           string
	rawKey               string
	keyKnown, valueKnown bool
}

// imageLabels returns the labels set by the stages whose layers become
// the image, in order.
func imageLabels(ctx *Context) []imageLabel {
	var ins []*dockerfile.Instruction
	for _, s := range ctx.ImageStages() {
		ins = append(ins, s.Instructions...)
	}
	return labelsOf(ctx, ins)
}

// triggerLabels returns the labels of ONBUILD LABEL triggers (any stage:
// they label the images built from this one, not this one).
func triggerLabels(ctx *Context) []imageLabel {
	var ins []*dockerfile.Instruction
	for _, in := range ctx.File.Instructions {
		if in.Trigger == dockerfile.KindLabel {
			ins = append(ins, in)
		}
	}
	return labelsOf(ctx, ins)
}

func labelsOf(ctx *Context, ins []*dockerfile.Instruction) []imageLabel {
	var out []imageLabel
	for _, in := range ins {
		c, ok := in.Command.(*instructions.LabelCommand)
		if !ok && in.Trigger == dockerfile.KindLabel {
			c, ok = in.TriggerCommand().(*instructions.LabelCommand)
		}
		if !ok {
			continue
		}
		for _, kv := range c.Labels {
			l := imageLabel{in: in, rawKey: strings.Trim(kv.Key, `"'`)}
			l.key, l.keyKnown = ctx.Expand(in, kv.Key)
			l.value, l.valueKnown = ctx.Expand(in, kv.Value)
			out = append(out, l)
		}
	}
	return out
}
