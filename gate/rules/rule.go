// Package rules is the crank-gate rule catalogue and the small framework
// rules are written against. A rule is data (id, severity, docs, examples,
// equivalents in other tools) plus one Check function, in one file; the
// catalogue is the explicit list in All. See README.md for how to add one.
package rules

import (
	"fmt"
	"iter"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// Severity re-exports the shared severity so rule files read naturally
// ("Severity: Warning") without importing the findings package.
type Severity = findings.Severity

// Severity levels, hadolint's four.
const (
	Error   = findings.Error
	Warning = findings.Warning
	Info    = findings.Info
	Style   = findings.Style
)

// Equivalents re-exports the ids of the same check in other tools.
type Equivalents = findings.Equivalents

// Engine is the engine name crank-gate lint findings carry.
const Engine = "crank-gate"

// Rule is one check and its documentation.
type Rule struct {
	// ID is "DL" + 4 digits for hadolint rules (same id and meaning as
	// hadolint) or "CG" + 4 digits for crank rules.
	ID string
	// Name is a short kebab-case name ("untagged-from"), used by SARIF
	// viewers and in docs.
	Name     string
	Severity Severity
	// Summary is one line, shown in "crank-gate rules" and as the SARIF
	// short description.
	Summary string
	// Why explains the risk and the fix in Markdown prose (the doc page).
	Why string
	// Bad and Good are Dockerfile examples for the doc page. The meta-test
	// checks that Bad fires and Good does not, so docs cannot rot.
	Bad  string
	Good string
	// Differences documents where the rule deliberately differs from the
	// tool it is named after (e.g. hadolint firing on build stages).
	Differences string
	Equivalents Equivalents
	// OffByDefault rules run only when named in --only or enabled in
	// config (severity override).
	OffByDefault bool
	// EnabledBy turns an OffByDefault rule on when the configuration asks
	// for what it checks (hadolint runs DL3026 once trustedRegistries is
	// set, the label rules once a label-schema is).
	EnabledBy func(cfg *config.Config) bool
	// Builtin rules are reported by the engine itself (parse errors,
	// suppression bookkeeping) and have no Check.
	Builtin bool
	// Check inspects ctx.File and calls ctx.Report for each problem.
	Check func(ctx *Context)
}

// DefaultOn reports whether the rule runs without --only or a severity
// override under cfg.
func (r Rule) DefaultOn(cfg *config.Config) bool {
	return !r.OffByDefault || r.EnabledBy != nil && cfg != nil && r.EnabledBy(cfg)
}

// trustedRegistriesSet and labelSchemaSet are EnabledBy conditions.
func trustedRegistriesSet(cfg *config.Config) bool { return len(cfg.TrustedRegistries) > 0 }
func labelSchemaSet(cfg *config.Config) bool       { return len(cfg.LabelSchema) > 0 }

// hadolintCompatSet turns on, under compat: hadolint, the DL rules crank
// leaves off because a CG rule asks the same question by default.
func hadolintCompatSet(cfg *config.Config) bool { return cfg.HadolintCompat() }

// Info returns the reporter-facing metadata.
func (r Rule) Info() findings.RuleInfo {
	return findings.RuleInfo{ID: r.ID, Name: r.Name, Summary: r.Summary, Severity: r.Severity, HelpURI: HelpURI(r.ID), Engine: Engine, Equivalents: r.Equivalents}
}

// DocsBaseURL is where the rendered rule reference is published: the
// directory gendocs writes by default (gate/docs/rules).
const DocsBaseURL = "https://github.com/crank-platform/terraform-provider-crank/blob/main/gate/docs/rules/"

// HelpURI is the doc page of a rule.
func HelpURI(id string) string { return DocsBaseURL + id + ".md" }

// Context is what a Check sees: the file model, the configuration and a
// way to report. A Context serves one rule on one file.
type Context struct {
	File   *dockerfile.File
	Config *config.Config
	rule   *Rule
	out    []findings.Finding
	seen   map[string]int
}

// Report records a finding at an instruction. The message is a sentence
// (fmt-style); a final period is added when missing, as SARIF asks.
func (c *Context) Report(in *dockerfile.Instruction, format string, args ...any) {
	line, end := 0, 0
	if in != nil {
		line, end = in.StartLine, in.EndLine
	}
	c.report(in, line, 0, end, fmt.Sprintf(format, args...))
}

// ReportCommand records a finding at one shell command of an instruction,
// so the location points into a multi-line RUN or heredoc body.
func (c *Context) ReportCommand(in *dockerfile.Instruction, cmd *dockerfile.SimpleCommand, format string, args ...any) {
	if cmd == nil || cmd.Line == 0 {
		c.Report(in, format, args...)
		return
	}
	c.report(in, cmd.Line, cmd.Column, cmd.Line, fmt.Sprintf(format, args...))
}

// ReportLine records a finding at a line that belongs to no instruction
// (a comment, a directive); in may be nil.
func (c *Context) ReportLine(in *dockerfile.Instruction, line int, format string, args ...any) {
	c.report(in, line, 0, line, fmt.Sprintf(format, args...))
}

func (c *Context) report(in *dockerfile.Instruction, line, col, end int, msg string) {
	msg = strings.TrimSpace(msg)
	if msg != "" && !strings.ContainsAny(msg[len(msg)-1:], ".!?") {
		msg += "."
	}
	stage, text := "", fmt.Sprintf("line:%d", line)
	if in != nil {
		// The digest, not the text: a large RUN with many findings would
		// otherwise be hashed once per finding.
		stage, text = in.Stage.Label(), in.TextDigest()
	}
	key := stage + "\x00" + text
	occ := c.seen[key]
	c.seen[key] = occ + 1
	c.out = append(c.out, findings.Finding{
		RuleID:      c.rule.ID,
		Severity:    c.rule.Severity,
		Path:        c.File.Path,
		Line:        line,
		Column:      col,
		EndLine:     end,
		Message:     msg,
		Fingerprint: findings.Fingerprint(c.rule.ID, stage, text, occ),
		Engine:      Engine,
		Stage:       stage,
	})
}

// Compat reports whether the configuration asks for hadolint's behaviour
// (compat: hadolint) and the rule is one of hadolint's: DL rules then drop
// every documented difference. crank's own CG rules have no hadolint
// behaviour to copy, so they keep theirs.
func (c *Context) Compat() bool {
	return c.Config.HadolintCompat() && (c.rule == nil || strings.HasPrefix(c.rule.ID, "DL"))
}

// Target is the stage that becomes the image (nil if the file has none).
func (c *Context) Target() *dockerfile.Stage { return c.File.Target }

// ShippedStages are the stages that take part in building the target:
// rules about the build (pinning, TLS bypass) use these, so a stage that
// is never built does not fail the gate.
func (c *Context) ShippedStages() []*dockerfile.Stage {
	var out []*dockerfile.Stage
	for _, s := range c.File.Stages {
		if s.ReachesTarget || c.Compat() {
			out = append(out, s)
		}
	}
	return out
}

// Instructions yields every instruction of the given kinds (all kinds when
// none are given) in source order, global ARGs and FROMs included.
func (c *Context) Instructions(kinds ...string) iter.Seq[*dockerfile.Instruction] {
	return func(yield func(*dockerfile.Instruction) bool) {
		for _, in := range c.File.Instructions {
			if len(kinds) > 0 && !hasKind(kinds, in.Kind) {
				continue
			}
			if !yield(in) {
				return
			}
		}
	}
}

// Commands yields every shell command of every RUN (all stages), ONBUILD RUN
// triggers included, with its instruction; sudo/env wrappers are not
// removed (use ctx.Unwrap(cmd)). Under compat: hadolint the commands of
// nested shell scripts ("sh -c '...'", "bash <<EOF") are left out:
// hadolint's ShellCheck parser sees such a script as one string argument.
func (c *Context) Commands() iter.Seq2[*dockerfile.Instruction, *dockerfile.SimpleCommand] {
	return func(yield func(*dockerfile.Instruction, *dockerfile.SimpleCommand) bool) {
		for _, in := range c.File.Instructions {
			if in.Kind != dockerfile.KindRun && in.Trigger != dockerfile.KindRun {
				continue
			}
			compat := c.Compat()
			for _, s := range in.Scripts {
				for _, cmd := range s.Commands {
					if compat && inNestedShell(cmd) {
						continue
					}
					if !yield(in, cmd) {
						return
					}
				}
			}
		}
	}
}

func hasKind(kinds []string, k string) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Run applies rules to f and returns their raw findings, before
// suppressions and severity overrides (the lint engine applies those).
// A nil cfg means config.Default().
func Run(f *dockerfile.File, rs []Rule, cfg *config.Config) []findings.Finding {
	if cfg == nil {
		cfg = config.Default()
	}
	var out []findings.Finding
	for i := range rs {
		r := &rs[i]
		if r.Check == nil {
			continue
		}
		ctx := &Context{File: f, Config: cfg, rule: r, seen: map[string]int{}}
		r.Check(ctx)
		out = append(out, ctx.out...)
	}
	return out
}
