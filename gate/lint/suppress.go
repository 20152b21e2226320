package lint

import (
	"regexp"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/rules"
)

type scopeKind int

const (
	scopeNext scopeKind = iota
	scopeStage
	scopeGlobal
)

// suppression is one pragma: which ids, where it applies, whether it was
// used. ids hold our rule ids after mapping from hadolint, Trivy and
// BuildKit names.
type suppression struct {
	line    int
	text    string
	ids     map[string]bool
	all     bool
	scope   scopeKind
	from    int
	to      int
	used    bool
	reason  string
	foreign string
}

var (
	// "# crank-gate ignore=DL3006,DL3008 reason=\"...\"", with optional
	// "stage" or "global" scope word; hadolint's syntax is the same shape.
	pragmaRe = regexp.MustCompile(`^(crank-gate|hadolint)\s+(?:(global|stage)\s+)?ignore\s*=\s*([A-Za-z0-9_,\s-]+?)(?:\s+reason\s*=\s*(?:"([^"]*)"|(\S+)))?\s*$`)
	// "#trivy:ignore:AVD-DS-0002" or "trivy:ignore:DS002".
	trivyRe = regexp.MustCompile(`^trivy:ignore:([A-Za-z0-9-]+)`)
)

// normTrivy maps "AVD-DS-0002", "DS-0002" and "DS002" to "DS002".
func normTrivy(id string) string {
	id = strings.ToUpper(strings.TrimPrefix(strings.ToUpper(id), "AVD-"))
	if p, n, ok := strings.Cut(id, "-"); ok {
		n = strings.TrimLeft(n, "0")
		for len(n) < 3 {
			n = "0" + n
		}
		return p + n
	}
	return id
}

// collectSuppressions reads pragmas from f's comments and directives.
func collectSuppressions(f *dockerfile.File, catalogue []rules.Rule) []*suppression {
	trivy := map[string][]string{}
	buildkit := map[string][]string{}
	for _, r := range catalogue {
		for _, t := range r.Equivalents.Trivy {
			trivy[normTrivy(t)] = append(trivy[normTrivy(t)], r.ID)
		}
		if rules.IsBuildKitRule(r) {
			// BuildKit applies "# check=skip=" to its own checks itself.
			continue
		}
		for _, b := range r.Equivalents.BuildKit {
			buildkit[strings.ToLower(b)] = append(buildkit[strings.ToLower(b)], r.ID)
		}
	}
	var out []*suppression
	for _, d := range f.Directives {
		if d.Key != "check" {
			continue
		}
		for _, part := range strings.Split(d.Value, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			if strings.TrimSpace(k) != "skip" {
				continue
			}
			s := &suppression{line: d.Line, text: "check=" + d.Value, ids: map[string]bool{}, scope: scopeGlobal, foreign: "buildkit"}
			for _, name := range strings.Split(v, ",") {
				name = strings.TrimSpace(name)
				if strings.EqualFold(name, "all") {
					s.all = true
					continue
				}
				for _, id := range buildkit[strings.ToLower(name)] {
					s.ids[id] = true
				}
				// Our own ids are accepted too, for files linted only by us.
				s.ids[strings.ToUpper(name)] = true
			}
			out = append(out, s)
		}
	}
	for _, c := range f.Comments {
		if m := pragmaRe.FindStringSubmatch(c.Text); m != nil {
			s := &suppression{line: c.Line, text: c.Text, ids: map[string]bool{}, reason: m[4] + m[5]}
			if m[1] == "hadolint" {
				s.foreign = "hadolint"
			}
			switch m[2] {
			case "global":
				s.scope = scopeGlobal
			case "stage":
				s.scope = scopeStage
			}
			for _, id := range strings.FieldsFunc(m[3], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
				s.ids[strings.ToUpper(id)] = true
			}
			out = append(out, s)
			continue
		}
		if m := trivyRe.FindStringSubmatch(c.Text); m != nil {
			s := &suppression{line: c.Line, text: c.Text, ids: map[string]bool{}, foreign: "trivy"}
			for _, id := range trivy[normTrivy(m[1])] {
				s.ids[id] = true
			}
			out = append(out, s)
		}
	}
	placeSuppressions(f, out)
	return out
}

// placeSuppressions fixes each pragma's line range. "Next instruction"
// means the next one after the comment, with blank lines and other
// comments allowed in between: hadolint's "exactly the line above" rule
// breaks as soon as someone adds a second comment.
func placeSuppressions(f *dockerfile.File, ss []*suppression) {
	i := 0
	for _, s := range ss {
		if s.scope == scopeGlobal {
			continue
		}
		// Comments are in line order, so one forward pass suffices.
		for i < len(f.Instructions) && f.Instructions[i].StartLine < s.line {
			i++
		}
		if i >= len(f.Instructions) {
			s.from, s.to = -1, -1
			continue
		}
		in := f.Instructions[i]
		s.from, s.to = in.StartLine, in.EndLine
		if s.scope == scopeStage && in.Stage != nil {
			st := in.Stage
			s.from = st.From.StartLine
			s.to = st.From.EndLine
			if n := len(st.Instructions); n > 0 {
				s.to = st.Instructions[n-1].EndLine
			}
		}
	}
}

func (s *suppression) covers(fd findings.Finding) bool {
	if !s.all && !s.ids[fd.RuleID] && !s.ids[strings.ToUpper(fd.RuleID)] {
		return false
	}
	if s.scope == scopeGlobal {
		return true
	}
	return fd.Line >= s.from && fd.Line <= s.to
}
