package rules

import (
	"slices"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// hadolint's view of a RUN, for compat: hadolint. hadolint parses RUN with
// ShellCheck (src/Hadolint/Shell.hs): a command's name is ShellCheck's
// getCommandName, its arguments are the words as written with quotes
// removed and variables left unexpanded, and its flags are every argument
// that starts with "-" ("-qy" is the flags q and y, "--opt=x" the flag
// opt). The helpers here give rules that view, so each rule's compat
// branch can repeat hadolint's check word for word.

// Unwrap is the command a rule judges. By default wrappers such as sudo,
// env and nohup are looked through (dockerfile.SimpleCommand.Unwrap).
// Under compat: hadolint it is the command as hadolint names it:
// ShellCheck's getCommandName, which looks only through busybox, builtin,
// command, run and exec, and takes the first word as written, so
// "sudo apt-get" is sudo and "/usr/bin/apt-get" is no apt-get.
func (c *Context) Unwrap(cmd *dockerfile.SimpleCommand) *dockerfile.SimpleCommand {
	if !c.Compat() {
		return cmd.Unwrap()
	}
	return hadolintCommand(cmd)
}

// hadolintCommand is cmd as ShellCheck's getCommandNameAndToken names it
// (ShellCheck/ASTLib.hs).
func hadolintCommand(cmd *dockerfile.SimpleCommand) *dockerfile.SimpleCommand {
	cur := *cmd
	if len(cur.Args) > 1 && cur.Args[0].Literal {
		rest := cur.Args[1:]
		switch cur.Args[0].Value {
		case "busybox", "builtin", "command", "run":
			if !strings.HasPrefix(rest[0].Value, "-") {
				cur.Args = rest
			}
		case "exec":
			// exec's own options are -c, -l and -a NAME.
			for len(rest) > 0 && strings.HasPrefix(rest[0].Value, "-") && rest[0].Value != "-" {
				takesName := strings.Contains(rest[0].Value, "a")
				rest = rest[1:]
				if takesName && len(rest) > 0 {
					rest = rest[1:]
				}
			}
			if len(rest) > 0 {
				cur.Args = rest
			}
		}
	}
	// Every word is the text hadolint sees: variables unexpanded, so
	// "$PKGS" is a package named $PKGS and a rule never skips a word for
	// depending on a value it cannot know, as hadolint never does.
	args := make([]dockerfile.Word, len(cur.Args))
	for i, w := range cur.Args {
		w.Value, w.Literal = hadolintText(w), true
		args[i] = w
	}
	if len(args) > 0 && strings.ContainsAny(args[0].Raw, "/$") {
		// ShellCheck names "/usr/bin/apt-get" as written, which matches
		// none of the names hadolint's rules look for, and gives no name
		// to a word with a variable ("$PM install").
		args[0].Literal = false
	}
	cur.Args = args
	return &cur
}

// RunCommands are the shell commands of one RUN a rule judges: all of
// them (in.Commands()), or under compat: hadolint those hadolint's parser
// sees, without the scripts of nested "sh -c" and "bash <<EOF" commands.
func (c *Context) RunCommands(in *dockerfile.Instruction) []*dockerfile.SimpleCommand {
	all := in.Commands()
	if !c.Compat() {
		return all
	}
	out := make([]*dockerfile.SimpleCommand, 0, len(all))
	for _, cmd := range all {
		if !inNestedShell(cmd) {
			out = append(out, cmd)
		}
	}
	return out
}

// inNestedShell reports whether cmd comes from the script of an
// "sh -c STRING" or "bash <<EOF" command rather than from the RUN itself.
func inNestedShell(cmd *dockerfile.SimpleCommand) bool {
	for c := cmd; c.Parent != nil; c = c.Parent {
		if slices.Contains(c.Parent.Inner, c) {
			return true
		}
	}
	return false
}

// hadolintText is a word as ShellCheck's oversimplify gives it: quotes
// removed and variables left as written ("curl=${V}"), where crank's
// Value holds the ARG/ENV value.
func hadolintText(w dockerfile.Word) string {
	if !strings.Contains(w.Raw, "$") {
		return w.Value
	}
	return strings.NewReplacer(`"`, "", "'", "").Replace(w.Raw)
}

// hadolintArgs are the command's arguments after its name, as hadolint
// sees them (Shell.getArgs).
func hadolintArgs(c *dockerfile.SimpleCommand) []string {
	out := make([]string, 0, len(c.Args))
	for _, w := range c.Args[min(1, len(c.Args)):] {
		out = append(out, hadolintText(w))
	}
	return out
}

// hadolintFlags are the names of a command's flags (Shell.getAllFlags).
func hadolintFlags(arg string) []string {
	switch {
	case arg == "-" || arg == "--" || !strings.HasPrefix(arg, "-"):
		return nil
	case strings.HasPrefix(arg, "--"):
		name, _, _ := strings.Cut(arg[2:], "=")
		return []string{name}
	}
	out := make([]string, 0, len(arg)-1)
	for _, r := range arg[1:] {
		out = append(out, string(r))
	}
	return out
}

// hadolintHasArg is Shell.cmdHasArgs: the command is name and one of its
// arguments (flags included) is one of args.
func hadolintHasArg(c *dockerfile.SimpleCommand, name string, args ...string) bool {
	if c.Name() != name {
		return false
	}
	for _, a := range hadolintArgs(c) {
		if slices.Contains(args, a) {
			return true
		}
	}
	return false
}

// hadolintHasFlag is Shell.hasAnyFlag.
func hadolintHasFlag(c *dockerfile.SimpleCommand, flags ...string) bool {
	for _, a := range hadolintArgs(c) {
		for _, f := range hadolintFlags(a) {
			if slices.Contains(flags, f) {
				return true
			}
		}
	}
	return false
}

// hadolintOperands is Shell.getArgsNoFlags after Shell.dropFlagArg(drop):
// the arguments that are no flags, less the argument that follows each
// flag named in drop. A "--flag=value" carries its own value, as
// hadolint's current spec has it (DL3016Spec: "--registry=value form").
func hadolintOperands(c *dockerfile.SimpleCommand, drop ...string) []string {
	args := hadolintArgs(c)
	dropped := make([]bool, len(args)+1)
	var out []string
	for i, a := range args {
		if strings.HasPrefix(a, "--") && strings.Contains(a, "=") {
			continue
		}
		for _, f := range hadolintFlags(a) {
			if slices.Contains(drop, f) {
				dropped[i+1] = true
			}
		}
	}
	for i, a := range args {
		if !dropped[i] && len(hadolintFlags(a)) == 0 {
			out = append(out, a)
		}
	}
	return out
}

// hadolintUnpinned returns the operands of a package command that
// pinned rejects, leaving out the subcommand words.
func hadolintUnpinned(ops []string, pinned func(string) bool, subcommands ...string) []string {
	var out []string
	for _, p := range ops {
		if !slices.Contains(subcommands, p) && !pinned(p) {
			out = append(out, p)
		}
	}
	return out
}
