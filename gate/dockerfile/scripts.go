package dockerfile

import (
	"path"
	"sort"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"mvdan.cc/sh/v3/syntax"
)

// scripts builds the shell analysis of RUN, CMD and ENTRYPOINT.
func (b *builder) scripts(in *Instruction) []*Script {
	var cl instructions.ShellDependantCmdLine
	switch c := in.Command.(type) {
	case *instructions.RunCommand:
		cl = c.ShellDependantCmdLine
	case *instructions.CmdCommand:
		cl = c.ShellDependantCmdLine
	case *instructions.EntrypointCommand:
		cl = c.ShellDependantCmdLine
	case *instructions.OnbuildCommand:
		run := onbuildRun(in)
		if run == nil {
			return nil
		}
		cl = run.ShellDependantCmdLine
	default:
		return nil
	}
	vars := func(k string) (string, bool) { return in.Var(k) }
	if !cl.PrependShell {
		return []*Script{b.execForm(in, cl.CmdLine, vars)}
	}
	src := strings.Join(cl.CmdLine, " ")
	if !IsPOSIXShell(in.Shell) {
		return []*Script{{Source: src, Line: in.StartLine, Skipped: "SHELL " + strings.Join(in.Shell, " ") + " is not a POSIX shell"}}
	}
	hdLines := 0
	for _, h := range cl.Files {
		hdLines += strings.Count(h.Data, "\n") + 1
	}
	cmdEnd := max(in.StartLine, in.EndLine-hdLines)
	lineOf := b.cmdlineMapper(in, src, cmdEnd)

	// "RUN <<EOF" alone: each heredoc body is the script (BuildKit runs it
	// with the shell, or with its shebang interpreter).
	if len(cl.Files) > 0 && onlyHeredocMarkers(src) {
		var out []*Script
		bodyLine := cmdEnd + 1
		for _, h := range cl.Files {
			s := &Script{Source: h.Data, Heredoc: h.Name, Line: bodyLine}
			if interp := shebang(h.Data); interp != "" && !posixShells[interp] {
				s.Skipped = "heredoc runs " + interp
			} else {
				start := bodyLine
				a := &analyzer{lim: b.lim, vars: vars, script: s, lineOf: func(p syntax.Pos) (int, int) {
					return start + int(p.Line()) - 1, int(p.Col())
				}}
				a.parse(h.Data, 0)
			}
			out = append(out, s)
			bodyLine += strings.Count(h.Data, "\n") + 1
		}
		return out
	}
	// Otherwise the command line is the script and heredocs are its
	// here-documents: give the shell parser the text the shell would see.
	full := src
	if len(cl.Files) > 0 {
		var sb strings.Builder
		sb.WriteString(src)
		sb.WriteString("\n")
		for _, h := range cl.Files {
			sb.WriteString(h.Data)
			if !strings.HasSuffix(h.Data, "\n") && h.Data != "" {
				sb.WriteString("\n")
			}
			sb.WriteString(h.Name)
			sb.WriteString("\n")
		}
		full = sb.String()
	}
	s := &Script{Source: full, Line: in.StartLine}
	a := &analyzer{lim: b.lim, vars: vars, script: s, lineOf: func(p syntax.Pos) (int, int) {
		if p.Line() <= 1 {
			return lineOf(int(p.Col()) - 1)
		}
		return cmdEnd + int(p.Line()) - 1, int(p.Col())
	}}
	a.parse(full, 0)
	return []*Script{s}
}

// onbuildRun parses the RUN an ONBUILD registers, or returns nil.
func onbuildRun(in *Instruction) *instructions.RunCommand {
	run, _ := in.TriggerCommand().(*instructions.RunCommand)
	if run != nil {
		// Mount flags are only read on expansion; a trigger's variables
		// belong to the downstream build, so its words stay as written.
		if err := run.Expand(func(w string) (string, error) { return w, nil }); err != nil {
			return nil
		}
	}
	return run
}

func (b *builder) execForm(in *Instruction, argv []string, vars func(string) (string, bool)) *Script {
	// ["sh", "-c", "script"] is a shell script in disguise.
	if len(argv) >= 3 && posixShells[path.Base(argv[0])] {
		for i := 1; i < len(argv)-1; i++ {
			if argv[i] == "-c" || (strings.HasPrefix(argv[i], "-") && strings.HasSuffix(argv[i], "c") && !strings.HasPrefix(argv[i], "--")) {
				s := &Script{Source: argv[i+1], Line: in.StartLine}
				a := &analyzer{lim: b.lim, vars: vars, script: s, lineOf: func(p syntax.Pos) (int, int) { return in.StartLine + int(p.Line()) - 1, 0 }}
				a.parse(argv[i+1], 0)
				return s
			}
		}
	}
	sc := &SimpleCommand{Line: in.StartLine}
	for _, v := range argv {
		sc.Args = append(sc.Args, Word{Raw: v, Value: v, Literal: true})
	}
	return &Script{Source: strings.Join(argv, " "), Line: in.StartLine, Commands: []*SimpleCommand{sc}}
}

func onlyHeredocMarkers(src string) bool {
	fields := strings.Fields(src)
	if len(fields) == 0 {
		return false
	}
	for _, f := range fields {
		if !strings.HasPrefix(f, "<<") {
			return false
		}
	}
	return true
}

func shebang(data string) string {
	if !strings.HasPrefix(data, "#!") {
		return ""
	}
	line, _, _ := strings.Cut(data[2:], "\n")
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return ""
	}
	interp := path.Base(fields[0])
	if interp == "env" && len(fields) > 1 {
		interp = path.Base(fields[len(fields)-1])
		for _, f := range fields[1:] {
			if !strings.HasPrefix(f, "-") {
				interp = path.Base(f)
				break
			}
		}
	}
	return interp
}

// cmdlineMapper maps a byte offset in the joined command line back to a
// file line and column, replaying how BuildKit joins continuation lines;
// when replay does not match it falls back to the instruction's line.
func (b *builder) cmdlineMapper(in *Instruction, cmdline string, cmdEnd int) func(off int) (int, int) {
	type seg struct{ off, line, col int }
	var segs []seg
	var joined strings.Builder
	esc := string(b.f.EscapeToken)
	for ln := in.StartLine; ln <= cmdEnd && ln <= len(b.f.Lines); ln++ {
		raw := strings.TrimRight(b.f.Lines[ln-1], "\r")
		lead := 0
		if ln == in.StartLine {
			t := strings.TrimLeft(raw, " \t")
			lead = len(raw) - len(t)
			raw = t
		} else if t := strings.TrimSpace(raw); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if t := strings.TrimRight(raw, " \t"); strings.HasSuffix(t, esc) {
			raw = t[:len(t)-len(esc)]
		}
		segs = append(segs, seg{off: joined.Len(), line: ln, col: lead})
		joined.WriteString(raw)
	}
	base := strings.LastIndex(joined.String(), cmdline)
	return func(off int) (int, int) {
		if base < 0 || len(segs) == 0 {
			return in.StartLine, 0
		}
		abs := base + off
		i := max(0, sort.Search(len(segs), func(i int) bool { return segs[i].off > abs })-1)
		return segs[i].line, abs - segs[i].off + segs[i].col + 1
	}
}
