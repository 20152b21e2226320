package lint

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/crank-platform/terraform-provider-crank/gate/buildkitlint"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/rules"
)

// buildkitFindings runs BuildKit's own checks on one file when any of them
// is selected, and turns its warnings into findings under BuildKit's rule
// names. A check that a selected DL/CG rule also makes (the rule lists it
// in Equivalents.BuildKit) is left to that rule, so one problem is
// reported once, under the id existing ignores use.
func buildkitFindings(f *dockerfile.File, in Input, opt Options, sel selection) []findings.Finding {
	active := map[string]rules.Rule{}
	shadowed := map[string]bool{}
	for _, r := range sel.rules {
		if rules.IsBuildKitRule(r) {
			active[r.ID] = r
			continue
		}
		for _, name := range r.Equivalents.BuildKit {
			shadowed[name] = true
		}
	}
	if len(active) == 0 {
		return nil
	}
	// BuildKit's conversion is quadratic in long FROM <stage> chains (1,000
	// chained stages take over a second): past these budgets, far beyond
	// real files, its checks are not run, and the file says so.
	if len(in.Data) > buildkitMaxBytes || len(f.Stages) > buildkitMaxStages || len(f.Instructions) > buildkitMaxInstructions ||
		expandedEnvBytes(f) > buildkitMaxBytes {
		return []findings.Finding{engineFinding(rules.CG0000, sel, f.Path, 1, fmt.Sprintf(
			"BuildKit's own checks were not run: the file has %d bytes, %d stages, %d instructions and ARG/ENV values that can expand to %d bytes, "+
				"over the budget of %d, %d, %d and %d that keeps one file's lint bounded (BuildKit expands every value in full); "+
				"split the file or shorten the values, or run docker build --check on it",
			len(in.Data), len(f.Stages), len(f.Instructions), expandedEnvBytes(f), buildkitMaxBytes, buildkitMaxStages, buildkitMaxInstructions, buildkitMaxBytes), "buildkit-budget")}
	}
	res := buildkitlint.Lint(context.Background(), runScriptsBlanked(f, in.Data), buildkitlint.Options{Target: opt.Target, BuildArgs: opt.BuildArgs})
	var out []findings.Finding
	seen := map[string]int{}
	for _, w := range res.Warnings {
		r, ok := active[w.Rule]
		if !ok || shadowed[w.Rule] {
			continue
		}
		in := instructionAt(f, w.Line)
		var st *dockerfile.Stage
		if in != nil {
			st = in.Stage
		}
		// The gate never downloads base images, so variables they define
		// are unknown: judge UndefinedVar only where the stage chain starts
		// from scratch, as BuildKit would see the same environment there.
		if w.Rule == "UndefinedVar" && !rootedInScratch(st) {
			continue
		}
		sev := r.Severity
		if res.ErrorOnWarning {
			sev = findings.Error
		}
		key := w.Message
		if in != nil {
			key = in.TextDigest() + "\x00" + w.Message
		}
		occ := seen[key]
		seen[key] = occ + 1
		out = append(out, findings.Finding{
			RuleID:      r.ID,
			Severity:    sev,
			Path:        f.Path,
			Line:        w.Line,
			EndLine:     max(w.Line, w.EndLine),
			Message:     sentence(w.Message),
			Fingerprint: findings.Fingerprint(r.ID, st.Label(), key, occ),
			Engine:      rules.Engine,
			Stage:       stageLabel(st),
		})
	}
	return out
}

// runScriptsBlanked is the file as BuildKit's checks are given it: each
// shell-form RUN holds "x" instead of its shell text, on every line. No BuildKit check reads a RUN's script (RUN expands only its
// --mount flags, which stay), but its parser runs a continuation regexp
// over every byte of every line, which was half of what the checks cost
// on the shared corpus. What the parser does look at is kept: the line
// count (so every location stays), the RUN's first line with its flags,
// further lines of flags, empty lines (NoEmptyContinuation), comment
// lines, and whether a line continues. RUNs with heredocs or in exec
// form, and ONBUILD RUN, are passed as written.
func runScriptsBlanked(f *dockerfile.File, data []byte) []byte {
	esc := byte('\\')
	if f.EscapeToken == '`' {
		esc = '`'
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	var spans [][2]int
	for _, in := range f.Instructions {
		if in.Kind == dockerfile.KindRun && !in.JSONForm && len(in.Heredocs) == 0 && in.StartLine >= 1 && in.EndLine <= len(lines) &&
			startsWithKeyword(lines[in.StartLine-1], "RUN") {
			spans = append(spans, [2]int{in.StartLine, in.EndLine})
		}
	}
	if len(spans) == 0 {
		return data
	}
	out := make([]byte, 0, len(data))
	next := 0
	for i, line := range lines {
		n := i + 1
		for next < len(spans) && spans[next][1] < n {
			next++
		}
		if next < len(spans) && n == spans[next][0] {
			out = append(out, runLineBlanked(line, esc)...)
			continue
		}
		if next == len(spans) || n < spans[next][0] || !blankable(line) {
			out = append(out, line...)
			continue
		}
		if n == spans[next][0]+1 || flagsSoFar(lines, spans[next][0], n) {
			// A RUN's flags may continue onto the lines after its first.
			if trimmed := bytes.TrimLeft(line, " \t"); len(trimmed) > 0 && trimmed[0] == '-' {
				out = append(out, line...)
				continue
			}
		}
		out = append(out, 'x')
		if continues(line, esc) {
			out = append(out, ' ', esc)
		}
		if bytes.HasSuffix(line, []byte("\r\n")) {
			out = append(out, '\r', '\n')
		} else if bytes.HasSuffix(line, []byte("\n")) {
			out = append(out, '\n')
		}
	}
	return out
}

// runLineBlanked is the first line of a RUN with its keyword (as cased)
// and leading --flags kept and the shell text that follows replaced by
// "x". A line whose flags hold quotes is kept whole, as the flag words
// could not be told apart without BuildKit's own splitting.
func runLineBlanked(line []byte, esc byte) []byte {
	body := bytes.TrimRight(line, "\r\n")
	nl := line[len(body):]
	if bytes.ContainsAny(body, "\"'") && bytes.Contains(body, []byte("--")) {
		return line
	}
	i := 0
	for i < len(body) && (body[i] == ' ' || body[i] == '\t') {
		i++
	}
	for i < len(body) && body[i] != ' ' && body[i] != '\t' {
		i++ // the keyword
	}
	for {
		j := i
		for j < len(body) && (body[j] == ' ' || body[j] == '\t') {
			j++
		}
		if !bytes.HasPrefix(body[j:], []byte("--")) {
			break
		}
		for j < len(body) && body[j] != ' ' && body[j] != '\t' {
			j++
		}
		i = j
	}
	rest := bytes.Trim(body[i:], " \t")
	if len(rest) == 0 || len(rest) == 1 && rest[0] == esc {
		return line // flags only, or nothing to blank
	}
	out := append([]byte{}, body[:i]...)
	out = append(out, " x"...)
	if continues(body, esc) {
		out = append(out, ' ', esc)
	}
	return append(out, nl...)
}

// startsWithKeyword reports whether a line holds the instruction keyword
// itself, which a line continuation may push onto a later line.
func startsWithKeyword(line []byte, kw string) bool {
	t := bytes.TrimLeft(line, " \t")
	return len(t) >= len(kw) && bytes.EqualFold(t[:len(kw)], []byte(kw)) && (len(t) == len(kw) || t[len(kw)] == ' ' || t[len(kw)] == '\t' || t[len(kw)] == '\r' || t[len(kw)] == '\n')
}

// blankable reports whether a continuation line is shell text: not empty
// and not a comment, which BuildKit's parser treats specially.
func blankable(line []byte) bool {
	t := bytes.TrimLeftFunc(bytes.TrimRight(line, "\r\n"), unicode.IsSpace)
	return len(t) > 0 && t[0] != '#'
}

// flagsSoFar reports whether every line of the RUN from its second up to
// line n (exclusive) holds flags, so line n may hold flags too.
func flagsSoFar(lines [][]byte, start, n int) bool {
	for l := start + 1; l < n; l++ {
		t := bytes.TrimLeft(lines[l-1], " \t")
		if len(t) == 0 || t[0] != '-' {
			return false
		}
	}
	return true
}

// continues reports whether a line ends with the escape token as a line
// continuation, as BuildKit's parser decides it: the token as the last
// non-blank character, not itself escaped.
func continues(line []byte, esc byte) bool {
	t := bytes.TrimRight(line, " \t\r\n")
	if len(t) == 0 || t[len(t)-1] != esc {
		return false
	}
	return len(t) == 1 || t[len(t)-2] != esc
}

// Budgets for running BuildKit's checks on one file (see buildkitFindings).
const (
	buildkitMaxBytes        = 1 << 20
	buildkitMaxStages       = 256
	buildkitMaxInstructions = 5000
)

var varRefRe = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)

// expandedEnvBytes bounds how large ARG and ENV values can grow when
// BuildKit expands them ("ENV A=$A$A" doubles per line): each value is its
// own length plus that of every variable it names, in file order, capped
// so the sum cannot overflow.
func expandedEnvBytes(f *dockerfile.File) int {
	const ceiling = 1 << 40
	size := map[string]int{}
	most := 0
	for _, in := range f.Instructions {
		if in.Kind != dockerfile.KindArg && in.Kind != dockerfile.KindEnv {
			continue
		}
		for _, kv := range in.Pairs {
			n := len(kv.Raw)
			for _, m := range varRefRe.FindAllStringSubmatch(kv.Raw, -1) {
				n = min(ceiling, n+size[m[1]])
			}
			size[kv.Key] = n
			most = max(most, n)
		}
	}
	return most
}

// sentence ends a BuildKit message with a period, as findings' messages do.
func sentence(msg string) string {
	if msg == "" || strings.ContainsAny(msg[len(msg)-1:], ".!?") {
		return msg
	}
	return msg + "."
}

func stageLabel(st *dockerfile.Stage) string {
	if st == nil {
		return ""
	}
	return st.Label()
}

// instructionAt is the instruction covering line, or nil.
func instructionAt(f *dockerfile.File, line int) *dockerfile.Instruction {
	for _, in := range f.Instructions {
		if in.StartLine <= line && line <= in.EndLine {
			return in
		}
	}
	return nil
}

// rootedInScratch reports whether a stage's FROM chain starts at scratch.
func rootedInScratch(st *dockerfile.Stage) bool {
	for st != nil && st.BaseStage != nil {
		st = st.BaseStage
	}
	return st != nil && st.BaseRef.Scratch
}
