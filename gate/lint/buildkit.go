package lint

import (
	"context"
	"fmt"
	"regexp"
	"strings"

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
	res := buildkitlint.Lint(context.Background(), in.Data, buildkitlint.Options{Target: opt.Target, BuildArgs: opt.BuildArgs})
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
