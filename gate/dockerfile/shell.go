package dockerfile

import (
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Script is one shell program run by an instruction, analysed with
// mvdan.cc/sh so that rules see commands and words rather than substrings
// ("curl ... | sh" inside quotes is not a pipe; "apt-get  install" is).
type Script struct {
	// Source is the script text as the shell receives it.
	Source string
	// Heredoc names the heredoc the script came from; empty for the
	// command line itself.
	Heredoc string
	// Line is the file line of the script's first line.
	Line int
	// Commands are every simple command, in source order, including those
	// inside subshells, if/for bodies, command substitutions and
	// "bash <<EOF" bodies.
	Commands []*SimpleCommand
	// Pipelines are the pipelines of two or more commands.
	Pipelines []*Pipeline
	// Err is the shell syntax error, if any; Commands then holds what could
	// be recognised (usually nothing), and rules should stay quiet.
	Err error
	// Skipped explains why the script was not analysed (non-POSIX SHELL,
	// over a limit); empty when it was.
	Skipped string
}

// SimpleCommand is one command invocation: assignments, argv, redirects.
type SimpleCommand struct {
	Args    []Word
	Assigns []Assign
	// Redirects are ">file", "2>&1", "<<EOF" and the like.
	Redirects []Redirect
	Line      int
	Column    int
	// Pipeline is set when the command is part of a pipeline of two or
	// more; PipeIndex is its position there (0 is the first producer).
	Pipeline  *Pipeline
	PipeIndex int
	// Op is the list operator that precedes this command: "" for the
	// first, "&&", "||", or ";" (also used for newlines).
	Op         string
	Negated    bool
	Background bool
	// Depth is 0 for top-level commands and grows inside subshells,
	// blocks, conditionals, loops, functions and substitutions.
	Depth int
	// Parent is the command this one runs inside of: the shell whose
	// "-c" string or "<<EOF" body it comes from, or the command with the
	// "$(...)" / "<(...)" word it appears in. Nil at the top level.
	Parent *SimpleCommand
	// Inner are the commands of this command's "sh -c STRING" or
	// "bash <<EOF" script, nested ones included. They also appear in the
	// Script's Commands (so rules iterating commands see them), at the
	// position of this command.
	Inner []*SimpleCommand
}

// Word is one shell word. Value is the word with quotes removed and known
// ARG/ENV values substituted; Literal is false when it still depends on
// something only known at build time (an unknown variable, a command
// substitution, arithmetic), in which case Value is the raw text.
type Word struct {
	Raw     string
	Value   string
	Literal bool
	// Commands are the commands of "$(...)", backtick and "<(...)"
	// substitutions inside the word (also in the Script's Commands).
	Commands []*SimpleCommand
}

// Assign is NAME=value before a command, or in export/declare.
type Assign struct {
	Name  string
	Value Word
}

// Redirect is one redirection; Op is its operator text (">", ">>", "<<").
type Redirect struct {
	Op     string
	Target Word
	// Heredoc is the body of a "<<EOF" / "<<-EOF" here-document, as
	// written (for "cat <<EOF > file" this is the file content).
	Heredoc string
}

// HeredocBodies returns the bodies of the command's here-documents.
func (c *SimpleCommand) HeredocBodies() []string {
	var out []string
	for _, r := range c.Redirects {
		if r.Op == "<<" || r.Op == "<<-" {
			out = append(out, r.Heredoc)
		}
	}
	return out
}

// ShellScript returns the literal script of "sh -c SCRIPT" (also bash and
// friends, bundled "-ec", and "su -c"), looking through sudo/env.
func (c *SimpleCommand) ShellScript() (string, bool) {
	u := c.Unwrap()
	name := u.Name()
	if !posixShells[name] && name != "su" {
		return "", false
	}
	for i := 1; i+1 < len(u.Args); i++ {
		v := u.Args[i].Value
		if v == "-c" || name != "su" && len(v) > 1 && v[0] == '-' && v[1] != '-' && strings.HasSuffix(v, "c") {
			if !u.Args[i+1].Literal {
				return "", false
			}
			return u.Args[i+1].Value, true
		}
	}
	return "", false
}

// Pipeline is "a | b | c".
type Pipeline struct {
	Commands []*SimpleCommand
	Line     int
	// All is true for bash's "|&".
	All bool
}

// Name is the base name of argv[0] ("apt-get" for "/usr/bin/apt-get"),
// empty when argv[0] is not literal.
func (c *SimpleCommand) Name() string {
	if len(c.Args) == 0 || !c.Args[0].Literal {
		return ""
	}
	return path.Base(c.Args[0].Value)
}

// Argv returns the word values.
func (c *SimpleCommand) Argv() []string {
	out := make([]string, len(c.Args))
	for i, w := range c.Args {
		out[i] = w.Value
	}
	return out
}

// HasArg reports whether any argument after argv[0] equals one of want.
func (c *SimpleCommand) HasArg(want ...string) bool {
	for _, w := range c.Args[min(1, len(c.Args)):] {
		for _, x := range want {
			if w.Value == x {
				return true
			}
		}
	}
	return false
}

// wrappers run their arguments as a command; Unwrap looks through them
// so "sudo -E apt-get install" is seen as apt-get.
var wrappers = map[string]bool{"sudo": true, "env": true, "nohup": true, "time": true, "nice": true, "exec": true, "command": true, "doas": true, "su-exec": false, "gosu": false}

// Unwrap returns the command with wrapper prefixes such as sudo, env and
// nohup removed (along with their options and env assignments). The
// result shares Words with c and keeps its position and pipeline.
func (c *SimpleCommand) Unwrap() *SimpleCommand {
	cur := *c
	for len(cur.Args) > 1 && wrappers[cur.Name()] {
		rest := cur.Args[1:]
		for len(rest) > 0 {
			v := rest[0].Value
			if strings.HasPrefix(v, "-") || (strings.Contains(v, "=") && !strings.HasPrefix(v, "=")) {
				rest = rest[1:]
				continue
			}
			break
		}
		if len(rest) == 0 {
			break
		}
		cur.Args = rest
	}
	return &cur
}

// analyzer turns shell source into Commands and Pipelines.
type analyzer struct {
	// src is the text being parsed; word slices Raw out of it instead of
	// re-printing the AST (the printer allocates a buffer per call).
	src    string
	lim    Limits
	vars   func(string) (string, bool)
	script *Script
	// lineOf maps a 1-based script line/offset to a file line and column.
	lineOf func(pos syntax.Pos) (int, int)
	// parent is the command whose -c string, heredoc or substitution is
	// being analysed; sinks collect the commands found there (its Inner,
	// a Word's Commands), outermost first.
	parent *SimpleCommand
	sinks  []*[]*SimpleCommand
}

// posixShells are the shells whose syntax mvdan.cc/sh understands.
var posixShells = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true, "ksh": true, "mksh": true, "zsh": true, "busybox": true}

// IsPOSIXShell reports whether argv (a SHELL instruction) is sh-like.
func IsPOSIXShell(argv []string) bool {
	return len(argv) > 0 && posixShells[path.Base(argv[0])]
}

func nestingDepth(src string) int {
	depth, maxDepth := 0, 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '(', '{', '`':
			depth++
			maxDepth = max(maxDepth, depth)
		case ')', '}':
			depth = max(0, depth-1)
		}
	}
	return maxDepth
}

func (a *analyzer) parse(src string, hdocDepth int) {
	s := a.script
	if len(src) > a.lim.MaxScriptBytes {
		s.Skipped = "script larger than the analysis limit"
		return
	}
	if nestingDepth(src) > a.lim.MaxShellNesting {
		s.Skipped = "script nested deeper than the analysis limit"
		return
	}
	a.src = src
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil {
		if s.Err == nil {
			s.Err = err
		}
		return
	}
	a.stmts(f.Stmts, "", 0, nil, 0, hdocDepth)
}

func (a *analyzer) stmts(list []*syntax.Stmt, op string, depth int, pl *Pipeline, pi int, hd int) {
	for i, st := range list {
		o := ";"
		if i == 0 {
			o = op
		}
		a.stmt(st, o, depth, pl, pi, hd)
	}
}

func (a *analyzer) stmt(st *syntax.Stmt, op string, depth int, pl *Pipeline, pi int, hd int) {
	if st == nil || st.Cmd == nil {
		return
	}
	switch c := st.Cmd.(type) {
	case *syntax.CallExpr:
		a.call(st, c, op, depth, pl, pi, hd)
	case *syntax.BinaryCmd:
		if c.Op == syntax.Pipe || c.Op == syntax.PipeAll {
			line, _ := a.lineOf(c.Pos())
			p := &Pipeline{Line: line, All: c.Op == syntax.PipeAll}
			a.script.Pipelines = append(a.script.Pipelines, p)
			elems := flattenPipe(c, nil)
			for i, e := range elems {
				o := "|"
				if i == 0 {
					o = op
				}
				a.stmt(e, o, depth, p, i, hd)
			}
			return
		}
		a.stmt(c.X, op, depth, pl, pi, hd)
		next := "&&"
		if c.Op == syntax.OrStmt {
			next = "||"
		}
		a.stmt(c.Y, next, depth, pl, pi, hd)
	case *syntax.Subshell:
		a.stmts(c.Stmts, op, depth+1, pl, pi, hd)
	case *syntax.Block:
		a.stmts(c.Stmts, op, depth+1, pl, pi, hd)
	case *syntax.IfClause:
		for ic := c; ic != nil; ic = ic.Else {
			a.stmts(ic.Cond, op, depth+1, pl, pi, hd)
			a.stmts(ic.Then, "&&", depth+1, pl, pi, hd)
		}
	case *syntax.WhileClause:
		a.stmts(c.Cond, op, depth+1, pl, pi, hd)
		a.stmts(c.Do, "&&", depth+1, pl, pi, hd)
	case *syntax.ForClause:
		a.stmts(c.Do, op, depth+1, pl, pi, hd)
	case *syntax.CaseClause:
		var discard []*SimpleCommand
		a.substs(c.Word, depth, hd, a.parent, &discard)
		for _, it := range c.Items {
			a.stmts(it.Stmts, op, depth+1, pl, pi, hd)
		}
	case *syntax.FuncDecl:
		a.stmt(c.Body, op, depth+1, pl, pi, hd)
	case *syntax.TimeClause:
		a.stmt(c.Stmt, op, depth, pl, pi, hd)
	case *syntax.CoprocClause:
		a.stmt(c.Stmt, op, depth+1, pl, pi, hd)
	case *syntax.DeclClause:
		// export/declare/local/readonly: a command whose arguments are
		// assignments; rules such as "ENV-like secrets" want to see them.
		line, col := a.lineOf(c.Pos())
		sc := &SimpleCommand{Line: line, Column: col, Op: op, Depth: depth, Negated: st.Negated, Background: st.Background, Pipeline: pl, PipeIndex: pi}
		sc.Args = []Word{{Raw: c.Variant.Value, Value: c.Variant.Value, Literal: true}}
		for _, as := range c.Args {
			if as.Name != nil {
				sc.Assigns = append(sc.Assigns, Assign{Name: as.Name.Value, Value: a.word(as.Value)})
				sc.Args = append(sc.Args, Word{Raw: as.Name.Value, Value: as.Name.Value, Literal: true})
			} else if as.Value != nil {
				sc.Args = append(sc.Args, a.word(as.Value))
			}
		}
		a.add(sc)
	}
}

func flattenPipe(c *syntax.BinaryCmd, out []*syntax.Stmt) []*syntax.Stmt {
	if x, ok := c.X.Cmd.(*syntax.BinaryCmd); ok && (x.Op == syntax.Pipe || x.Op == syntax.PipeAll) && len(c.X.Redirs) == 0 && !c.X.Negated {
		out = flattenPipe(x, out)
	} else {
		out = append(out, c.X)
	}
	return append(out, c.Y)
}

func (a *analyzer) add(sc *SimpleCommand) {
	sc.Parent = a.parent
	for _, sink := range a.sinks {
		*sink = append(*sink, sc)
	}
	a.script.Commands = append(a.script.Commands, sc)
	if sc.Pipeline != nil {
		sc.Pipeline.Commands = append(sc.Pipeline.Commands, sc)
	}
}

func (a *analyzer) call(st *syntax.Stmt, c *syntax.CallExpr, op string, depth int, pl *Pipeline, pi int, hd int) {
	line, col := a.lineOf(st.Pos())
	sc := &SimpleCommand{Line: line, Column: col, Op: op, Depth: depth, Negated: st.Negated, Background: st.Background, Pipeline: pl, PipeIndex: pi}
	for _, as := range c.Assigns {
		if as.Name != nil {
			sc.Assigns = append(sc.Assigns, Assign{Name: as.Name.Value, Value: a.word(as.Value)})
		}
	}
	for _, w := range c.Args {
		sc.Args = append(sc.Args, a.word(w))
	}
	for _, r := range st.Redirs {
		rd := Redirect{Op: r.Op.String(), Target: a.word(r.Word)}
		if r.Hdoc != nil && (r.Op == syntax.Hdoc || r.Op == syntax.DashHdoc) {
			rd.Heredoc = a.heredocBody(r)
		}
		sc.Redirects = append(sc.Redirects, rd)
	}
	a.add(sc)
	// Commands inside $(...) run too: "echo $(curl x | sh)" must be seen;
	// each is linked to the word it appears in.
	for i, w := range c.Args {
		a.substs(w, depth, hd, sc, &sc.Args[i].Commands)
	}
	j := 0
	for _, as := range c.Assigns {
		if as.Name != nil {
			a.substs(as.Value, depth, hd, sc, &sc.Assigns[j].Value.Commands)
			j++
		}
	}
	if hd >= a.lim.MaxHeredocDepth {
		return
	}
	// "sh -c SCRIPT" runs its string as a script.
	if script, ok := sc.ShellScript(); ok {
		l0, col := a.lineOf(st.Pos())
		a.nested(script, func(p syntax.Pos) (int, int) {
			l := l0
			return l + int(p.Line()) - 1, col
		}, depth+1, hd+1, sc)
		return
	}
	// "bash <<EOF" and "sh -s <<EOF" run the heredoc body as a script.
	if posixShells[sc.Unwrap().Name()] {
		for _, r := range st.Redirs {
			if r.Hdoc != nil && (r.Op == syntax.Hdoc || r.Op == syntax.DashHdoc) {
				base, outer := r.Hdoc.Pos(), a.lineOf
				a.nested(a.heredocBody(r), func(p syntax.Pos) (int, int) {
					l, _ := outer(base)
					return l + int(p.Line()) - 1, int(p.Col())
				}, depth+1, hd+1, sc)
			}
		}
	}
}

// heredocBody is the text of a here-document without its closing
// delimiter line (the parser's word ends after it).
func (a *analyzer) heredocBody(r *syntax.Redirect) string {
	body := a.word(r.Hdoc).Raw
	delim := strings.Trim(a.word(r.Word).Value, `"'`)
	if i := strings.LastIndex(body, "\n"); i >= 0 && strings.TrimLeft(body[i+1:], "\t") == delim {
		return body[:i+1]
	}
	if strings.TrimLeft(body, "\t") == delim {
		return ""
	}
	return body
}

// nested analyses a script run by parent (its -c string or heredoc body);
// hd counts such levels and is bounded by Limits.MaxHeredocDepth.
func (a *analyzer) nested(body string, lineOf func(syntax.Pos) (int, int), depth, hd int, parent *SimpleCommand) {
	if len(body) > a.lim.MaxScriptBytes || nestingDepth(body) > a.lim.MaxShellNesting {
		return
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(body), "")
	if err != nil {
		return
	}
	outer, outerSrc, outerParent, outerSinks := a.lineOf, a.src, a.parent, a.sinks
	a.src, a.lineOf, a.parent = body, lineOf, parent
	a.sinks = append(outerSinks[:len(outerSinks):len(outerSinks)], &parent.Inner)
	a.stmts(f.Stmts, ";", depth, nil, 0, hd)
	a.lineOf, a.src, a.parent, a.sinks = outer, outerSrc, outerParent, outerSinks
}

func (a *analyzer) substs(w *syntax.Word, depth, hd int, parent *SimpleCommand, sink *[]*SimpleCommand) {
	if w == nil {
		return
	}
	outerParent, outerSinks := a.parent, a.sinks
	a.parent = parent
	a.sinks = append(outerSinks[:len(outerSinks):len(outerSinks)], sink)
	defer func() { a.parent, a.sinks = outerParent, outerSinks }()
	syntax.Walk(w, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CmdSubst:
			a.stmts(n.Stmts, ";", depth+1, nil, 0, hd)
			return false
		case *syntax.ProcSubst:
			a.stmts(n.Stmts, ";", depth+1, nil, 0, hd)
			return false
		}
		return true
	})
}

// word resolves a shell word to its literal value where that is knowable.
func (a *analyzer) word(w *syntax.Word) Word {
	if w == nil {
		return Word{Literal: true}
	}
	raw := ""
	if from, to := int(w.Pos().Offset()), int(w.End().Offset()); from <= to && to <= len(a.src) {
		raw = a.src[from:to]
	} else {
		var b strings.Builder
		syntax.NewPrinter().Print(&b, w)
		raw = b.String()
	}
	var val strings.Builder
	lit := a.parts(w.Parts, &val, false)
	out := Word{Raw: raw, Value: val.String(), Literal: lit}
	if !lit {
		out.Value = out.Raw
	}
	return out
}

func (a *analyzer) parts(parts []syntax.WordPart, b *strings.Builder, quoted bool) bool {
	ok := true
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.Lit:
			b.WriteString(unescape(p.Value, quoted))
		case *syntax.SglQuoted:
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			ok = a.parts(p.Parts, b, true) && ok
		case *syntax.ParamExp:
			v, known := a.param(p)
			ok = ok && known
			b.WriteString(v)
		default:
			ok = false
		}
	}
	return ok
}

func (a *analyzer) param(p *syntax.ParamExp) (string, bool) {
	if p.Param == nil || p.Excl || p.Length || p.Index != nil || p.Slice != nil || p.Repl != nil || p.Names != 0 || p.NestedParam != nil {
		return "", false
	}
	v, set := a.vars(p.Param.Value)
	if p.Exp == nil {
		return v, set
	}
	var alt strings.Builder
	altLit := p.Exp.Word == nil || a.parts(p.Exp.Word.Parts, &alt, true)
	switch p.Exp.Op {
	case syntax.DefaultUnset, syntax.AssignUnset:
		if set {
			return v, true
		}
		return alt.String(), altLit
	case syntax.DefaultUnsetOrNull, syntax.AssignUnsetOrNull:
		if set && v != "" {
			return v, true
		}
		if !set && !altLit {
			return "", false
		}
		return alt.String(), altLit
	case syntax.AlternateUnset:
		if set {
			return alt.String(), altLit
		}
		return "", set
	case syntax.AlternateUnsetOrNull:
		if set && v != "" {
			return alt.String(), altLit
		}
		return "", set
	}
	return "", false
}

// unescape removes shell backslash quoting from a literal part.
func unescape(s string, quoted bool) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			n := s[i+1]
			if n == '\n' {
				i++
				continue
			}
			if !quoted || strings.IndexByte("\"\\$`", n) >= 0 {
				b.WriteByte(n)
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
