package rules

// DL3027: apt in scripts.
var DL3027 = Rule{
	ID:       "DL3027",
	Name:     "no-apt",
	Severity: Warning,
	Summary:  "Do not use apt as it is meant to be an end-user tool; use apt-get or apt-cache instead.",
	Why: "`apt` is the interactive front end: its command-line interface is explicitly not stable, it prints " +
		"progress bars and \"WARNING: apt does not have a stable CLI interface\" into build logs, and its " +
		"behaviour may change between releases. Scripts, including Dockerfiles, should use `apt-get` and " +
		"`apt-cache`, whose interfaces are stable.",
	Bad:  "FROM debian:12.7-slim\nRUN apt install -y curl=7.88.1-10+deb12u8\n",
	Good: "FROM debian:12.7-slim\nRUN apt-get install -y curl=7.88.1-10+deb12u8\n",
	Differences: "hadolint (DL3027.hs) fires on any RUN with a command named exactly `apt` (ShellCheck's name, " +
		"so `sudo apt` is named sudo). crank fires on `apt` in command position, also behind " +
		"`sudo`/`env`, not on `apt-get`, `apt-cache`, or the word apt in arguments and quoted text. " +
		builtStagesDifference +
		" `compat: hadolint` names commands as hadolint does.",
	Equivalents: Equivalents{Hadolint: []string{"DL3027"}},
	Check:       checkDL3027,
}

func checkDL3027(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		if ctx.Unwrap(cmd).Name() == "apt" {
			ctx.ReportCommand(in, cmd, "apt has no stable command-line interface for scripts; use apt-get or apt-cache")
		}
	}
}
