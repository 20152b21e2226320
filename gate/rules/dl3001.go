package rules

import (
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3001: commands that make no sense in an image build.
var DL3001 = Rule{
	ID:       "DL3001",
	Name:     "pointless-command",
	Severity: Info,
	Summary:  "Avoid commands that make no sense in a container build, such as ssh, vim, service or ps.",
	Why: "A RUN step is a non-interactive shell whose processes end with the step: starting a service, " +
		"killing or listing processes, mounting, opening an editor or an SSH session, or shutting down " +
		"leaves nothing in the image and usually means the Dockerfile is being used like a VM setup script. " +
		"Start services from CMD/ENTRYPOINT and do interactive work outside the build.",
	Bad:  "FROM debian:12.7-slim\nRUN service nginx start\n",
	Good: "FROM debian:12.7-slim\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
	Differences: "hadolint (DL3001.hs) fires when a command that its ShellCheck parser names is free, kill, " +
		"mount, ps, service, shutdown, ssh, top or vim; its message also lists ifconfig, but its set " +
		"does not hold it. crank also fires on `ifconfig`, sees the command behind `sudo`/`env`/`nohup` " +
		"and inside `sh -c` scripts, and does not fire on `kill` of a job the same RUN started in the " +
		"background (`app & pid=$!; ...; kill $pid`). " +
		builtStagesDifference +
		" `compat: hadolint` uses hadolint's set and command view.",
	Equivalents: Equivalents{Hadolint: []string{"DL3001"}},
	Check:       checkDL3001,
}

// builtStagesDifference explains why RUN rules skip stages the target
// does not need.
const builtStagesDifference = "Only stages built for the target (`--target`, default the last stage, and the stages " +
	"it needs through `FROM`, `COPY --from` or `RUN --mount`) are checked: BuildKit never runs the others; " +
	"hadolint checks every stage, and so does `compat: hadolint`."

var pointlessCommands = map[string]bool{
	"free": true, "ifconfig": true, "kill": true, "mount": true, "ps": true,
	"service": true, "shutdown": true, "ssh": true, "top": true, "vim": true,
}

func checkDL3001(ctx *Context) {
	compat := ctx.Compat()
	for in, cmd := range ctx.ShippedCommands() {
		name := ctx.Unwrap(cmd).Name()
		switch {
		case !pointlessCommands[name]:
			continue
		case compat:
			// hadolint's set (DL3001.hs) lacks ifconfig, although its
			// message names it, and it knows no exception for kill.
			if name == "ifconfig" {
				continue
			}
		case name == "kill" && startsBackgroundJob(in, cmd):
			continue
		}
		ctx.ReportCommand(in, cmd, "%s has no lasting effect in an image build; remove it from the RUN", name)
	}
}

// startsBackgroundJob reports whether the RUN starts a background command
// before cmd: "app & pid=$!; ...; kill $pid" stops what the step itself
// started (say, a first run that writes a profile), which is no VM habit.
func startsBackgroundJob(in *dockerfile.Instruction, cmd *dockerfile.SimpleCommand) bool {
	for _, c := range in.Commands() {
		if c == cmd {
			return false
		}
		if c.Background {
			return true
		}
	}
	return false
}
