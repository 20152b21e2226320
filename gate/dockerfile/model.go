// Package dockerfile parses a Dockerfile with BuildKit's own parser and
// instruction model and builds the semantic model the rules work on: stages
// and their graph, ARG/ENV expansion, which stages reach the build target,
// pragma comments, and RUN scripts analysed with a real shell parser.
//
// Using BuildKit's parser means we accept exactly what `docker build`
// accepts (heredocs, escape directive, flags); the model on top answers the
// questions peer linters get wrong, such as "is this stage part of the
// image that is shipped?" and "what does FROM ${BASE} resolve to?".
package dockerfile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// File is one parsed Dockerfile.
type File struct {
	Path string
	// Lines holds the source split on '\n' (index 0 is line 1).
	Lines       []string
	EscapeToken rune
	// Directives are the parser directives at the top (syntax, escape, check).
	Directives []Directive
	// Comments are all comment lines outside instructions, in order; the
	// lint engine reads suppression pragmas from them.
	Comments []Comment
	// GlobalArgs are the ARG instructions before the first FROM.
	GlobalArgs []*Instruction
	// Instructions lists every instruction in source order, FROMs and
	// global ARGs included.
	Instructions []*Instruction
	Stages       []*Stage
	// Target is the stage being built: --target, or the last stage.
	Target *Stage
	// Errors are problems confined to one instruction; the rest of the file
	// is still modelled and linted, and each becomes a CG0000 finding.
	Errors []ParseError
	// BuildArgs are the --build-arg values the model was expanded with.
	BuildArgs map[string]string
}

// Directive is a parser directive such as "# check=skip=JSONArgsRecommended".
type Directive struct {
	Line       int
	Key, Value string
}

// Comment is one comment line; Text excludes the leading '#' and is trimmed.
type Comment struct {
	Line int
	Text string
}

// ParseError is a problem in one instruction that did not stop parsing.
type ParseError struct {
	Line    int
	EndLine int
	Message string
}

func (e ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Message) }

// Stage is one FROM and the instructions that follow it.
type Stage struct {
	Index int
	// Name is the lower-cased "AS name", empty when unnamed.
	Name string
	From *Instruction
	// BaseRaw is the FROM argument as written; Base is it after ARG expansion.
	BaseRaw string
	Base    string
	// BaseRef is Base parsed as an image reference; meaningless when
	// BaseStage is set.
	BaseRef ImageRef
	// BaseStage is set when FROM names an earlier stage.
	BaseStage *Stage
	Platform  string
	// Instructions are the instructions after FROM, in order.
	Instructions []*Instruction
	// DependsOn lists the stages this one needs: its FROM stage, COPY
	// --from and RUN --mount from=, without duplicates, in first-use order.
	DependsOn []*Stage
	// ExternalFrom lists images used by COPY --from / RUN --mount from=
	// that are not stages.
	ExternalFrom []string
	// ReachesTarget is true when the target stage (transitively) needs this
	// stage, or it is the target: only those stages end up in the build.
	ReachesTarget bool
	// IsTarget marks the stage that becomes the image.
	IsTarget bool
}

// Label returns the name used in messages: the stage name, or its index.
func (s *Stage) Label() string {
	if s == nil {
		return "global"
	}
	if s.Name != "" {
		return s.Name
	}
	return fmt.Sprintf("%d", s.Index)
}

// Kinds of instruction, upper-case as they appear in documentation.
const (
	KindAdd         = "ADD"
	KindArg         = "ARG"
	KindCmd         = "CMD"
	KindCopy        = "COPY"
	KindEntrypoint  = "ENTRYPOINT"
	KindEnv         = "ENV"
	KindExpose      = "EXPOSE"
	KindFrom        = "FROM"
	KindHealthcheck = "HEALTHCHECK"
	KindLabel       = "LABEL"
	KindMaintainer  = "MAINTAINER"
	KindOnbuild     = "ONBUILD"
	KindRun         = "RUN"
	KindShell       = "SHELL"
	KindStopSignal  = "STOPSIGNAL"
	KindUser        = "USER"
	KindVolume      = "VOLUME"
	KindWorkdir     = "WORKDIR"
)

// Instruction is one Dockerfile instruction.
type Instruction struct {
	// Kind is the upper-cased keyword ("RUN").
	Kind      string
	StartLine int
	EndLine   int
	// Original is the instruction text with continuation lines joined, as
	// BuildKit sees it (heredoc bodies not included).
	Original string
	// Flags are the raw "--name=value" flags.
	Flags []string
	// Args are the raw arguments; Expanded are the same after ARG/ENV
	// expansion for instructions Docker expands (FROM, COPY, ENV, USER...),
	// otherwise identical to Args.
	Args     []string
	Expanded []string
	// Pairs are the NAME=value settings of ARG, ENV and LABEL, read from
	// BuildKit's typed instruction (the raw Args hold ENV and LABEL as
	// [key, value, "="] triples, which is easy to misread).
	Pairs []KeyValue
	// JSONForm is true for the exec form (["a", "b"]).
	JSONForm bool
	Heredocs []parser.Heredoc
	Node     *parser.Node
	// Command is BuildKit's typed instruction (*instructions.RunCommand,
	// *instructions.Stage for FROM, ...); nil when it failed to parse.
	Command any
	// Stage is nil for global ARGs and for instructions before any FROM.
	Stage *Stage
	// Index is the position in File.Instructions.
	Index int
	// Scripts are the shell programs this instruction runs (RUN, and CMD,
	// ENTRYPOINT, HEALTHCHECK in shell form): the command line plus heredoc
	// bodies that are scripts.
	Scripts []*Script
	// Shell is the SHELL in effect for this instruction (default /bin/sh -c).
	Shell []string
	// Trigger is the kind of instruction an ONBUILD registers ("RUN" for
	// "ONBUILD RUN ..."), empty otherwise. An ONBUILD RUN gets Scripts of
	// its own: it runs in every image built FROM this one, so the RUN rules
	// judge it as hadolint does.
	Trigger string
	// Vars are the ARG/ENV names set at this point, for rules that ask
	// whether a variable exists; values already applied to Expanded.
	vars *scopeView
	// text and digest memoise Text and TextDigest: every finding on the
	// instruction needs them, and recomputing per finding is quadratic.
	textOnce sync.Once
	text     string
	digest   string
}

// KeyValue is one NAME=value of an ARG, ENV or LABEL instruction.
type KeyValue struct {
	// Key is the name as Docker uses it (unquoted, and for LABEL expanded).
	Key string
	// Raw is the value as written, quotes and variable references included.
	Raw string
	// Value is Raw the way Docker sees it: quotes removed and ARG/ENV
	// references substituted with the values visible to the instruction.
	Value string
	// HasValue is false for "ARG NAME" without a default.
	HasValue bool
	// Unresolved is true when Value still depends on a variable with no
	// known value.
	Unresolved bool
}

// Flag returns the value of --name (and whether it was given). Repeated
// flags return the first; FlagValues returns all.
func (in *Instruction) Flag(name string) (string, bool) {
	vs := in.FlagValues(name)
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// FlagValues returns every value of --name, in order.
func (in *Instruction) FlagValues(name string) []string {
	var out []string
	for _, f := range in.Flags {
		f = strings.TrimPrefix(f, "--")
		k, v, hasValue := strings.Cut(f, "=")
		if !strings.EqualFold(k, name) {
			continue
		}
		if !hasValue {
			v = "true"
		}
		out = append(out, v)
	}
	return out
}

// Var looks up an ARG/ENV value visible to this instruction.
func (in *Instruction) Var(name string) (string, bool) {
	if in.vars == nil {
		return "", false
	}
	return in.vars.get(name)
}

// Run returns the typed RUN command (for ONBUILD RUN, the trigger's), or
// nil.
func (in *Instruction) Run() *instructions.RunCommand {
	if in.Trigger == KindRun {
		return onbuildRun(in)
	}
	c, _ := in.Command.(*instructions.RunCommand)
	return c
}

// TriggerCommand is BuildKit's typed instruction for what an ONBUILD
// registers (*instructions.LabelCommand for "ONBUILD LABEL ..."), or nil.
func (in *Instruction) TriggerCommand() any {
	if in.Trigger == "" || in.Node == nil || in.Node.Next == nil || len(in.Node.Next.Children) != 1 {
		return nil
	}
	cmd, err := instructions.ParseInstruction(in.Node.Next.Children[0])
	if err != nil {
		return nil
	}
	return cmd
}

// Text is the instruction text normalised for fingerprints: whitespace
// collapsed, heredoc bodies included, line numbers absent.
func (in *Instruction) Text() string {
	in.textOnce.Do(in.computeText)
	return in.text
}

// TextDigest is a hex SHA-256 of Text, a fixed-size stand-in for it in
// fingerprints and map keys.
func (in *Instruction) TextDigest() string {
	in.textOnce.Do(in.computeText)
	return in.digest
}

func (in *Instruction) computeText() {
	var b strings.Builder
	b.WriteString(strings.Join(strings.Fields(in.Original), " "))
	for _, h := range in.Heredocs {
		b.WriteString("\n")
		b.WriteString(strings.Join(strings.Fields(h.Content), " "))
	}
	in.text = b.String()
	sum := sha256.Sum256([]byte(in.text))
	in.digest = hex.EncodeToString(sum[:])
}

// Commands returns every simple command of every script of the instruction.
func (in *Instruction) Commands() []*SimpleCommand {
	var out []*SimpleCommand
	for _, s := range in.Scripts {
		out = append(out, s.Commands...)
	}
	return out
}

// FinalStage returns the target stage (nil for a file without stages).
func (f *File) FinalStage() *Stage { return f.Target }

// StageByName finds a stage by name (case-insensitive) or index.
func (f *File) StageByName(name string) *Stage {
	return lookupStage(f.Stages, name, len(f.Stages))
}

// lookupStage resolves name among the first n stages, as BuildKit does for
// COPY --from (a stage name, or a number for an earlier stage).
func lookupStage(stages []*Stage, name string, n int) *Stage {
	lname := strings.ToLower(name)
	for i := n - 1; i >= 0; i-- {
		if stages[i].Name != "" && stages[i].Name == lname {
			return stages[i]
		}
	}
	if idx, ok := StageIndex(name); ok && idx >= 0 && idx < n {
		return stages[idx]
	}
	return nil
}

// StageIndex parses a numeric stage reference ("COPY --from=0").
func StageIndex(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}
