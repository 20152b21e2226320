package rules

import "path"

// DL3004: sudo in RUN.
var DL3004 = Rule{
	ID:       "DL3004",
	Name:     "no-sudo",
	Severity: Error,
	Summary:  "Do not use sudo; switch USER or use a tool like gosu for a different user.",
	Why: "The build already runs as the USER in effect, so `sudo` adds a setuid binary and its " +
		"configuration to the image for nothing, and behaves unpredictably without a TTY. Use `USER root` " +
		"for the steps that need it and switch back, or `gosu`/`su-exec` at run time.",
	Bad:  "FROM debian:12.7-slim\nUSER 1000\nRUN sudo apt-get update\n",
	Good: "FROM debian:12.7-slim\nUSER root\nRUN apt-get update\nUSER 1000\n",
	Differences: "hadolint (DL3004.hs) fires when a command is named exactly `sudo` (ShellCheck's command name, " +
		"so `command sudo` counts but `env sudo` and `/usr/bin/sudo` do not). crank recognises sudo in " +
		"command position also by path and behind wrappers such as `env` or `nohup`; `apt-get install " +
		"sudo` or `echo sudo` fire in neither. " +
		builtStagesDifference +
		" `compat: hadolint` fires on exactly hadolint's commands.",
	Equivalents: Equivalents{Hadolint: []string{"DL3004"}, Trivy: []string{"DS010"}, Dockle: []string{"DKL-DI-0001"}},
	Check:       checkDL3004,
}

func checkDL3004(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		if ctx.Compat() {
			// hadolint (DL3004.hs) fires on a command named exactly sudo,
			// not on "env sudo" or "/usr/bin/sudo".
			if ctx.Unwrap(cmd).Name() == "sudo" {
				ctx.ReportCommand(in, cmd, "Do not use sudo in a build; run the step as USER root, or use gosu at run time")
			}
			continue
		}
		// Unwrap drops the wrapper words (sudo, env, nohup...): sudo is
		// among the words it dropped, or argv[0] when nothing follows it.
		prefix := len(cmd.Args) - len(ctx.Unwrap(cmd).Args)
		for _, w := range cmd.Args[:max(prefix, min(1, len(cmd.Args)))] {
			if w.Literal && path.Base(w.Value) == "sudo" {
				ctx.ReportCommand(in, cmd, "Do not use sudo in a build; run the step as USER root, or use gosu at run time")
				break
			}
		}
	}
}
