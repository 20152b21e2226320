package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3015: apt-get install without --no-install-recommends.
var DL3015 = Rule{
	ID:       "DL3015",
	Name:     "apt-no-install-recommends",
	Severity: Info,
	Summary:  "Avoid additional packages by specifying --no-install-recommends.",
	Why: "By default apt-get also installs every package the ones you asked for merely recommend: often " +
		"hundreds of megabytes of documentation, X libraries and tools the image never uses, each one more " +
		"thing to patch. `--no-install-recommends` installs what you named and its real dependencies.",
	Bad:  "FROM debian:12.7-slim\nRUN apt-get install -y curl=7.88.1-10+deb12u8\n",
	Good: "FROM debian:12.7-slim\nRUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8\n",
	Differences: "`-o APT::Install-Recommends=false` (or `0`) counts too, and so does an earlier RUN of the same image " +
		"that writes `APT::Install-Recommends \"false\"` (or `\"0\"`) into `/etc/apt/apt.conf.d`. A command line with a variable " +
		"of unknown value is skipped. " + imageLayersDifference +
		" `compat: hadolint` checks every stage.",
	Equivalents: Equivalents{Hadolint: []string{"DL3015"}, Trivy: []string{"DS029"}},
	Check:       checkDL3015,
}

func checkDL3015(ctx *Context) {
	configured := false
	for _, in := range imageLayerRuns(ctx) {
		for _, cmd := range ctx.RunCommands(in) {
			c := ctx.Unwrap(cmd)
			if disablesRecommendsInConfig(c) {
				configured = true
			}
			if configured || c.Name() != "apt-get" || cliHasUnknown(c) {
				continue
			}
			if sub, _ := cliSubcommand(c, aptGetValueOpts); sub != "install" || aptNoRecommends(c) {
				continue
			}
			ctx.ReportCommand(in, cmd, "apt-get install also pulls in recommended packages; add --no-install-recommends")
		}
	}
}

func aptNoRecommends(c *dockerfile.SimpleCommand) bool {
	if cliHasOption(c, "", "", "--no-install-recommends") {
		return true
	}
	args := c.Args[1:]
	for i, w := range args {
		v := w.Value
		var kv string
		switch {
		case (v == "-o" || v == "--option") && i+1 < len(args):
			kv = args[i+1].Value
		case strings.HasPrefix(v, "--option="):
			kv = strings.TrimPrefix(v, "--option=")
		case strings.HasPrefix(v, "-o") && !strings.HasPrefix(v, "--"):
			kv = v[2:]
		}
		if k, val, _ := strings.Cut(kv, "="); strings.EqualFold(k, "APT::Install-Recommends") && isAptFalse(val) {
			return true
		}
	}
	return false
}

// disablesRecommendsInConfig recognises the usual
// echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/... line.
func disablesRecommendsInConfig(c *dockerfile.SimpleCommand) bool {
	if c.Name() != "echo" && c.Name() != "printf" {
		return false
	}
	toConf := false
	for _, r := range c.Redirects {
		if strings.HasPrefix(r.Target.Value, "/etc/apt/apt.conf") {
			toConf = true
		}
	}
	if !toConf {
		return false
	}
	for _, w := range c.Args[1:] {
		for _, line := range strings.Split(w.Value, "\n") {
			k, v, _ := strings.Cut(strings.TrimSpace(line), " ")
			if strings.EqualFold(k, "APT::Install-Recommends") && isAptFalse(strings.TrimSuffix(strings.TrimSpace(v), ";")) {
				return true
			}
		}
	}
	return false
}

func isAptFalse(v string) bool {
	switch strings.ToLower(strings.Trim(v, `"' `)) {
	case "0", "false", "no":
		return true
	}
	return false
}
