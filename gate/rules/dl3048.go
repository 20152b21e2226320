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
	Bad:         "FROM alpine:3.20\nLABEL Com.Example.Role=web\n",
	Good:        "FROM alpine:3.20\nLABEL com.example.role=web\n",
	Differences: diffLabelStages + " Keys may end in a digit (`com.example.v2`).",
	Equivalents: Equivalents{Hadolint: []string{"DL3048"}},
	Check:       checkDL3048,
}

// diffLabelStages explains why label rules look at the image stages only.
const diffLabelStages = "Only LABELs of the stages that become the image (the target and the stages it is built " +
	"`FROM`) are checked; labels of build stages never reach an image. Keys and values are ARG-expanded and " +
	"unquoted as Docker does, and labels that depend on an unknown ARG are not judged."

func checkDL3048(ctx *Context) {
	for _, l := range imageLabels(ctx) {
		if l.keyKnown {
			if why := labelKeyProblem(l.key); why != "" {
				ctx.Report(l.in, "Label key %q %s; use a lower-case reverse-DNS key such as com.example.%s", l.key, why, suggestLabelKey(l.key))
			}
		}
	}
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
	keyKnown, valueKnown bool
}

// imageLabels returns the labels set by the stages whose layers become
// the image, in order.
func imageLabels(ctx *Context) []imageLabel {
	var out []imageLabel
	for _, s := range ctx.ImageStages() {
		for _, in := range s.Instructions {
			c, ok := in.Command.(*instructions.LabelCommand)
			if !ok {
				continue
			}
			for _, kv := range c.Labels {
				l := imageLabel{in: in}
				l.key, l.keyKnown = ctx.Expand(in, kv.Key)
				l.value, l.valueKnown = ctx.Expand(in, kv.Value)
				out = append(out, l)
			}
		}
	}
	return out
}
