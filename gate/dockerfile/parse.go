package dockerfile

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Limits bound the work done on one file so hostile or generated input (a
// 10 MB file, thousands of stages, deeply nested shell) ends with a clear
// error instead of exhausting memory. Zero fields take the default.
type Limits struct {
	// MaxBytes is the largest file accepted.
	MaxBytes int
	// MaxStages is the largest number of FROM instructions.
	MaxStages int
	// MaxInstructions is the largest number of instructions.
	MaxInstructions int
	// MaxScriptBytes is the largest shell script analysed; larger RUNs are
	// still linted, but their shell structure is not.
	MaxScriptBytes int
	// MaxShellNesting bounds subshell/substitution nesting before a script
	// is handed to the (recursive) shell parser.
	MaxShellNesting int
	// MaxHeredocDepth bounds the nesting of scripts analysed inside
	// scripts: "bash <<EOF" bodies and "sh -c STRING" strings.
	MaxHeredocDepth int
	// MaxValueBytes bounds an ARG/ENV value after expansion; longer
	// results count as unknown. Without it "ENV A=$A$A" doubles per line.
	MaxValueBytes int
}

// DefaultLimits are far above any real Dockerfile (the largest in our
// corpus is a few hundred lines) yet keep the worst case to well under a
// second of CPU and a few hundred MB of memory.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes:        16 << 20,
		MaxStages:       4096,
		MaxInstructions: 250000,
		MaxScriptBytes:  256 << 10,
		MaxShellNesting: 128,
		MaxHeredocDepth: 4,
		MaxValueBytes:   64 << 10,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxStages <= 0 {
		l.MaxStages = d.MaxStages
	}
	if l.MaxInstructions <= 0 {
		l.MaxInstructions = d.MaxInstructions
	}
	if l.MaxScriptBytes <= 0 {
		l.MaxScriptBytes = d.MaxScriptBytes
	}
	if l.MaxShellNesting <= 0 {
		l.MaxShellNesting = d.MaxShellNesting
	}
	if l.MaxHeredocDepth <= 0 {
		l.MaxHeredocDepth = d.MaxHeredocDepth
	}
	if l.MaxValueBytes <= 0 {
		l.MaxValueBytes = d.MaxValueBytes
	}
	return l
}

// LimitError reports input beyond Limits.
type LimitError struct {
	What  string
	Got   int
	Limit int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s: %d is over the limit of %d; this is far beyond any real Dockerfile, so check the input (the limit is dockerfile.Limits.%s)",
		e.What, e.Got, e.Limit, limitField[e.What])
}

var limitField = map[string]string{"file size in bytes": "MaxBytes", "number of stages": "MaxStages", "number of instructions": "MaxInstructions"}

// Options control parsing and expansion.
type Options struct {
	Path string
	// BuildArgs are --build-arg values; like BuildKit, they only apply to
	// ARGs the Dockerfile declares.
	BuildArgs map[string]string
	// Target is the --target stage name; empty means the last stage.
	Target string
	Limits Limits
}

// ErrNoInstructions is returned for empty files and files of comments only.
var ErrNoInstructions = errors.New("the file has no instructions; a Dockerfile needs at least a FROM")

// Platform ARGs BuildKit defines in the global scope without a declaration;
// the values are only used to resolve FROM lines that mention them.
var automaticArgs = map[string]string{
	"BUILDPLATFORM": "linux/amd64", "BUILDOS": "linux", "BUILDARCH": "amd64", "BUILDVARIANT": "",
	"TARGETPLATFORM": "linux/amd64", "TARGETOS": "linux", "TARGETARCH": "amd64", "TARGETVARIANT": "",
}

// Parse parses src. An error means nothing could be modelled (unreadable
// syntax such as an unterminated heredoc, or a limit exceeded); problems
// confined to one instruction are in File.Errors instead.
func Parse(src []byte, opt Options) (*File, error) {
	lim := opt.Limits.withDefaults()
	if len(src) > lim.MaxBytes {
		return nil, &LimitError{What: "file size in bytes", Got: len(src), Limit: lim.MaxBytes}
	}
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		if strings.Contains(err.Error(), "file with no instructions") {
			return nil, ErrNoInstructions
		}
		return nil, fmt.Errorf("cannot parse Dockerfile: %w", err)
	}
	nodes := res.AST.Children
	if len(nodes) > lim.MaxInstructions {
		return nil, &LimitError{What: "number of instructions", Got: len(nodes), Limit: lim.MaxInstructions}
	}
	froms := 0
	for _, n := range nodes {
		if strings.EqualFold(n.Value, "from") {
			froms++
		}
	}
	if froms > lim.MaxStages {
		return nil, &LimitError{What: "number of stages", Got: froms, Limit: lim.MaxStages}
	}

	f := &File{
		Path:        opt.Path,
		Lines:       strings.Split(string(src), "\n"),
		EscapeToken: res.EscapeToken,
		BuildArgs:   opt.BuildArgs,
	}
	b := &builder{f: f, lim: lim, lex: shell.NewLex(res.EscapeToken), global: newScope(), stageNames: map[string]*Stage{}, stageEnv: map[*Stage]*scope{}, shells: map[*Stage][]string{}}
	for k, v := range automaticArgs {
		b.global.set(k, v)
	}
	for _, n := range nodes {
		b.add(n)
	}
	if len(f.Stages) == 0 {
		f.Errors = append(f.Errors, ParseError{Line: 1, EndLine: 1, Message: "no FROM instruction: a Dockerfile must start a build stage with FROM"})
	}
	if err := b.resolveTarget(opt.Target); err != nil {
		return nil, err
	}
	f.Directives, f.Comments = scanComments(f)
	return f, nil
}

type builder struct {
	f          *File
	lim        Limits
	lex        *shell.Lex
	global     *scope
	stage      *Stage
	vars       *scope
	shell      []string
	stageNames map[string]*Stage
	env        *scope
	stageEnv   map[*Stage]*scope
	shells     map[*Stage][]string
}

var defaultShell = []string{"/bin/sh", "-c"}

func (b *builder) errorf(n *parser.Node, format string, args ...any) {
	b.f.Errors = append(b.f.Errors, ParseError{Line: n.StartLine, EndLine: n.EndLine, Message: fmt.Sprintf(format, args...)})
}

// expand applies Docker's word expansion; unresolved reports whether a
// variable without a value remained (so "FROM $BASE" is not mistaken for
// an untagged image named "").
func (b *builder) expand(word string, env shell.EnvGetter) (string, bool) {
	// Like Docker, quotes and escapes are processed even without a "$":
	// ARG O="" sets O to the empty string, not to two quote characters.
	if !strings.ContainsAny(word, "$\"'") && !strings.ContainsRune(word, b.f.EscapeToken) {
		return word, false
	}
	res, err := b.lex.ProcessWordWithMatches(word, env)
	if err != nil || len(res.Result) > b.lim.MaxValueBytes {
		return word, true
	}
	return res.Result, len(res.Unmatched) > 0
}

func (b *builder) add(n *parser.Node) {
	in := &Instruction{
		Kind:      strings.ToUpper(n.Value),
		StartLine: n.StartLine,
		EndLine:   n.EndLine,
		Original:  n.Original,
		Flags:     n.Flags,
		Args:      nodeArgs(n),
		JSONForm:  n.Attributes["json"],
		Heredocs:  n.Heredocs,
		Node:      n,
		Index:     len(b.f.Instructions),
	}
	if in.Kind == KindOnbuild && len(in.Args) > 0 {
		in.Trigger = strings.ToUpper(in.Args[0])
	}
	b.f.Instructions = append(b.f.Instructions, in)
	cmd, err := instructions.ParseInstruction(n)
	if err != nil {
		b.errorf(n, "%s", cleanBuildKitError(err))
	} else {
		in.Command = cmd
	}
	if in.Kind == KindFrom {
		b.from(in)
		return
	}
	if b.stage == nil {
		if in.Kind == KindArg {
			b.globalArg(in)
			return
		}
		b.errorf(n, "%s before the first FROM: only ARG may come before FROM", in.Kind)
		in.Expanded = in.Args
		return
	}
	in.Stage = b.stage
	b.stage.Instructions = append(b.stage.Instructions, in)
	in.Shell = b.shell
	in.vars = b.vars.view()
	b.expandArgs(in, b.vars)
	switch in.Kind {
	case KindArg:
		b.stageArg(in)
	case KindEnv:
		// All pairs of one ENV see the values from before it, as in Docker.
		b.envPairs(in)
		for _, kv := range in.Pairs {
			b.vars.set(kv.Key, kv.Value)
			b.env.set(kv.Key, kv.Value)
		}
	case KindLabel:
		b.labelPairs(in)
	case KindShell:
		if c, ok := in.Command.(*instructions.ShellCommand); ok && len(c.Shell) > 0 {
			b.shell = c.Shell
			in.Shell = c.Shell
		}
	case KindCopy:
		if from, ok := in.Flag("from"); ok {
			v, _ := b.expand(from, b.vars)
			b.dependOn(v)
		}
	case KindRun:
		if run := in.Run(); run != nil {
			if err := run.Expand(func(w string) (string, error) { v, _ := b.expand(w, b.vars); return v, nil }); err != nil {
				b.errorf(in.Node, "%s", cleanBuildKitError(err))
			}
			for _, m := range instructions.GetMounts(run) {
				if m.From != "" {
					b.dependOn(m.From)
				}
			}
		}
	}
	in.Scripts = b.scripts(in)
}

var expandedKinds = map[string]bool{
	KindAdd: true, KindCopy: true, KindEnv: true, KindExpose: true, KindLabel: true,
	KindStopSignal: true, KindUser: true, KindVolume: true, KindWorkdir: true,
}

func (b *builder) expandArgs(in *Instruction, env *scope) {
	switch in.Command.(type) {
	case *instructions.EnvCommand, *instructions.LabelCommand:
		in.Expanded = in.Args // replaced from Pairs
		return
	}
	if !expandedKinds[in.Kind] {
		in.Expanded = in.Args
		return
	}
	in.Expanded = make([]string, len(in.Args))
	for i, a := range in.Args {
		in.Expanded[i], _ = b.expand(a, env)
	}
}

func (b *builder) globalArg(in *Instruction) {
	b.f.GlobalArgs = append(b.f.GlobalArgs, in)
	in.vars = b.global.view()
	in.Expanded = in.Args
	c, ok := in.Command.(*instructions.ArgCommand)
	if !ok {
		return
	}
	for _, kv := range c.Args {
		p := argPair(b, kv, b.global)
		in.Pairs = append(in.Pairs, p)
		if v, ok := b.f.BuildArgs[kv.Key]; ok {
			b.global.set(kv.Key, v)
		} else if p.HasValue {
			b.global.set(kv.Key, p.Value)
		}
	}
}

func (b *builder) stageArg(in *Instruction) {
	c, ok := in.Command.(*instructions.ArgCommand)
	if !ok {
		return
	}
	for _, kv := range c.Args {
		p := argPair(b, kv, b.vars)
		in.Pairs = append(in.Pairs, p)
		switch v, fromGlobal := b.global.Get(kv.Key); {
		case hasKey(b.f.BuildArgs, kv.Key):
			b.vars.set(kv.Key, b.f.BuildArgs[kv.Key])
		case p.HasValue:
			b.vars.set(kv.Key, p.Value)
		case fromGlobal:
			// "ARG NAME" inside a stage re-imports the global default.
			b.vars.set(kv.Key, v)
		}
	}
}

func (b *builder) envPairs(in *Instruction) {
	c, ok := in.Command.(*instructions.EnvCommand)
	if !ok {
		return
	}
	for _, kv := range c.Env {
		in.Pairs = append(in.Pairs, b.pair(kv.Key, kv.Value, true, b.vars))
	}
	in.Expanded = pairsExpanded(in)
}

func (b *builder) labelPairs(in *Instruction) {
	c, ok := in.Command.(*instructions.LabelCommand)
	if !ok {
		return
	}
	for _, kv := range c.Labels {
		in.Pairs = append(in.Pairs, b.pair(kv.Key, kv.Value, true, b.vars))
	}
	in.Expanded = pairsExpanded(in)
}

// pairsExpanded lays ENV/LABEL pairs out like their Args, [key, value, "="]
// per pair, so each value is expanded once.
func pairsExpanded(in *Instruction) []string {
	if len(in.Args) != 3*len(in.Pairs) {
		return in.Expanded
	}
	out := make([]string, 0, len(in.Args))
	for i, kv := range in.Pairs {
		out = append(out, kv.Key, kv.Value, in.Args[3*i+2])
	}
	return out
}

// pair expands one NAME=value the way BuildKit dispatches ENV, LABEL and
// ARG: both sides go through word processing.
func (b *builder) pair(key, raw string, hasValue bool, env shell.EnvGetter) KeyValue {
	k, _ := b.expand(key, env)
	kv := KeyValue{Key: k, Raw: raw, HasValue: hasValue}
	if hasValue {
		kv.Value, kv.Unresolved = b.expand(raw, env)
	}
	return kv
}

func argPair(b *builder, kv instructions.KeyValuePairOptional, env shell.EnvGetter) KeyValue {
	if kv.Value == nil {
		return KeyValue{Key: kv.Key}
	}
	p := b.pair(kv.Key, *kv.Value, true, env)
	p.Key = kv.Key
	return p
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

func (b *builder) from(in *Instruction) {
	if b.stage != nil {
		b.stageEnv[b.stage] = b.env
		b.shells[b.stage] = b.shell
	}
	st := &Stage{Index: len(b.f.Stages), From: in}
	in.Stage = st
	in.vars = b.global.view()
	b.f.Stages = append(b.f.Stages, st)
	if c, ok := in.Command.(*instructions.Stage); ok {
		st.Name = c.Name
		st.BaseRaw = c.BaseName
		st.Platform = c.Platform
	} else if len(in.Args) > 0 {
		// FROM failed to parse (bad stage name, wrong arity): still open a
		// stage so the instructions after it are linted in context.
		st.BaseRaw = in.Args[0]
		if len(in.Args) == 3 {
			st.Name = strings.ToLower(in.Args[2])
		}
	}
	base, unresolved := b.expand(st.BaseRaw, b.global)
	st.Base = base
	in.Expanded = in.Args
	if len(in.Args) > 0 {
		in.Expanded = append([]string{base}, in.Args[1:]...)
	}
	b.vars, b.env, b.shell = newScope(), newScope(), defaultShell
	if parent := b.stageNames[strings.ToLower(base)]; parent != nil && base != "" {
		st.BaseStage = parent
		st.DependsOn = append(st.DependsOn, parent)
		// ENV and SHELL carry over from a parent stage; ARGs do not.
		penv := b.stageEnv[parent].view()
		b.vars.parent, b.env.parent = penv, penv
		b.shell = b.shells[parent]
	} else {
		st.BaseRef = ParseImageRef(base)
		st.BaseRef.Unresolved = st.BaseRef.Unresolved || unresolved
	}
	b.stage = st
	if st.Name != "" {
		b.stageNames[st.Name] = st
	}
}

func (b *builder) dependOn(name string) {
	st := b.stage
	if name == "" || st == nil {
		return
	}
	dep := b.stageNames[strings.ToLower(name)]
	if dep == nil {
		if i, ok := StageIndex(name); ok && i < st.Index {
			dep = b.f.Stages[i]
		}
	}
	if dep == nil {
		st.ExternalFrom = append(st.ExternalFrom, name)
		return
	}
	for _, d := range st.DependsOn {
		if d == dep {
			return
		}
	}
	st.DependsOn = append(st.DependsOn, dep)
}

func (b *builder) resolveTarget(target string) error {
	f := b.f
	if len(f.Stages) == 0 {
		return nil
	}
	if target == "" {
		f.Target = f.Stages[len(f.Stages)-1]
	} else {
		f.Target = b.stageNames[strings.ToLower(target)]
		if f.Target == nil {
			names := make([]string, 0, len(f.Stages))
			for _, s := range f.Stages {
				if s.Name != "" {
					names = append(names, s.Name)
				}
			}
			return fmt.Errorf("target stage %q not found: the named stages are %s", target, strings.Join(names, ", "))
		}
	}
	f.Target.IsTarget = true
	// Iterative walk: a chain of thousands of stages must not recurse.
	stack := []*Stage{f.Target}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s.ReachesTarget {
			continue
		}
		s.ReachesTarget = true
		stack = append(stack, s.DependsOn...)
	}
	return nil
}

func nodeArgs(node *parser.Node) []string {
	var result []string
	for ; node.Next != nil; node = node.Next {
		arg := node.Next
		if len(arg.Children) == 0 {
			result = append(result, arg.Value)
		} else if len(arg.Children) == 1 {
			// ONBUILD carries its instruction as a child node.
			result = append(result, arg.Children[0].Value)
			result = append(result, nodeArgs(arg.Children[0])...)
		}
	}
	return result
}

// cleanBuildKitError drops BuildKit's stack-carrying wrappers so messages
// read as one sentence.
func cleanBuildKitError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "\n"); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

var directiveRe = regexp.MustCompile(`^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$`)

// scanComments collects parser directives and every comment line that is
// not inside an instruction (heredoc bodies and comment lines within
// continuations belong to their instruction, not to the linter).
func scanComments(f *File) ([]Directive, []Comment) {
	var dirs []Directive
	var comments []Comment
	inDirectives := true
	next := 0
	for i, line := range f.Lines {
		ln := i + 1
		for next < len(f.Instructions) && f.Instructions[next].EndLine < ln {
			next++
		}
		if next < len(f.Instructions) && f.Instructions[next].StartLine <= ln {
			inDirectives = false
			continue
		}
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, "#") {
			if t != "" {
				inDirectives = false
			}
			continue
		}
		if inDirectives {
			if m := directiveRe.FindStringSubmatch(t); m != nil && knownDirective[strings.ToLower(m[1])] {
				dirs = append(dirs, Directive{Line: ln, Key: strings.ToLower(m[1]), Value: m[2]})
				continue
			}
			inDirectives = false
		}
		comments = append(comments, Comment{Line: ln, Text: strings.TrimSpace(t[1:])})
	}
	return dirs, comments
}

var knownDirective = map[string]bool{"syntax": true, "escape": true, "check": true}
