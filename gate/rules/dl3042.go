package rules

import (
	"regexp"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3042: pip install without --no-cache-dir.
var DL3042 = Rule{
	ID:       "DL3042",
	Name:     "pip-no-cache-dir",
	Severity: Warning,
	Summary:  "Avoid the pip cache directory with pip install --no-cache-dir <package>.",
	Why: "pip keeps every downloaded wheel in `~/.cache/pip`. In an image that cache is never used again but " +
		"ships in the layer, often doubling the size of the installed packages. Use `--no-cache-dir`, set " +
		"`ENV PIP_NO_CACHE_DIR=1`, or mount the cache with `RUN --mount=type=cache,target=/root/.cache/pip`.",
	Bad:  "FROM python:3.12-slim\nRUN pip install requests==2.32.3\n",
	Good: "FROM python:3.12-slim\nRUN pip install --no-cache-dir requests==2.32.3\n",
	Differences: diffImageStagesOnly + " `PIP_NO_CACHE_DIR` set by ENV, by an earlier `export` in the RUN or " +
		"as a command prefix, a cache mount on the pip cache, and `pip cache purge` or `rm -rf ~/.cache/pip` in " +
		"the same RUN all count as avoiding the cache. `python -m pip install` is checked like `pip install`." +
		" `compat: hadolint` checks every stage.",
	Equivalents: Equivalents{Hadolint: []string{"DL3042"}},
	Check:       checkDL3042,
}

var pipNameRe = regexp.MustCompile(`^pip[0-9.]*$`)
var pythonNameRe = regexp.MustCompile(`^python[0-9.]*$`)

var pipOptsWithValue = flagSet("-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-t", "--target",
	"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--root", "--prefix", "--src", "--platform",
	"--python-version", "--implementation", "--abi", "--upgrade-strategy", "--log", "--proxy", "--timeout",
	"--retries", "--trusted-host", "--cert", "--client-cert", "--cache-dir", "--progress-bar", "-C", "--config-settings",
	"--global-option", "--exists-action", "--python")

func checkDL3042(ctx *Context) {
	for _, s := range ctx.ImageStages() {
		for _, in := range s.Instructions {
			if in.Kind != dockerfile.KindRun || pipCacheOff(in.Var("PIP_NO_CACHE_DIR")) ||
				cacheMountCovers(in, "/root/.cache/pip") || cacheMountEndsIn(in, ".cache/pip", ".cache") {
				continue
			}
			checkPipRun(ctx, in)
		}
	}
}

func checkPipRun(ctx *Context, in *dockerfile.Instruction) {
	cmds := ctx.RunCommands(in)
	for _, c := range cmds {
		if pipCacheRemoved(ctx.Unwrap(c)) {
			return
		}
	}
	exported := false
	for _, cmd := range cmds {
		for _, a := range cmd.Assigns {
			if a.Name == "PIP_NO_CACHE_DIR" && cmd.Name() == "export" && pipCacheOff(a.Value.Value, true) {
				exported = true
			}
		}
		c := ctx.Unwrap(cmd)
		if exported || !isPipInstall(c) || c.HasArg("--no-cache-dir") || prefixDisablesPipCache(cmd) {
			continue
		}
		ctx.ReportCommand(in, cmd, "pip install keeps its download cache in the layer; add --no-cache-dir")
	}
}

// isPipInstall recognises "pip install", "pip3.12 install" and
// "python3 -m pip install".
func isPipInstall(c *dockerfile.SimpleCommand) bool {
	name := c.Name()
	switch {
	case pipNameRe.MatchString(name):
		return firstNonOptionIs(c, pipOptsWithValue, "install")
	case pythonNameRe.MatchString(name):
		args := c.Argv()
		for i := 1; i+2 < len(args); i++ {
			if args[i] == "-m" {
				return args[i+1] == "pip" && args[i+2] == "install"
			}
			if !strings.HasPrefix(args[i], "-") {
				return false
			}
		}
	}
	return false
}

// pipCacheOff reports whether a PIP_NO_CACHE_DIR value disables the
// cache; pip reads "0", "false", "no" and "off" as leaving it on.
func pipCacheOff(v string, set bool) bool {
	if !set || v == "" {
		return false
	}
	switch strings.ToLower(v) {
	case "0", "false", "no", "off":
		return false
	}
	return true
}

// prefixDisablesPipCache sees "PIP_NO_CACHE_DIR=1 pip install" and
// "env PIP_NO_CACHE_DIR=1 pip install".
func prefixDisablesPipCache(cmd *dockerfile.SimpleCommand) bool {
	for _, a := range cmd.Assigns {
		if a.Name == "PIP_NO_CACHE_DIR" && pipCacheOff(a.Value.Value, true) {
			return true
		}
	}
	for _, w := range cmd.Args {
		if v, ok := strings.CutPrefix(w.Value, "PIP_NO_CACHE_DIR="); ok && pipCacheOff(v, true) {
			return true
		}
	}
	return false
}

func pipCacheRemoved(c *dockerfile.SimpleCommand) bool {
	if pipNameRe.MatchString(c.Name()) {
		args := c.Argv()
		return len(args) > 2 && args[1] == "cache" && args[2] == "purge"
	}
	return c.Name() == "rm" && rmDeletesUnder(c, "/root/.cache/pip", "/root/.cache", "~/.cache/pip", "~/.cache", "$HOME/.cache/pip")
}

// cacheMountEndsIn catches cache mounts on a non-root user's pip cache
// ("/home/app/.cache/pip").
func cacheMountEndsIn(in *dockerfile.Instruction, suffixes ...string) bool {
	for _, t := range cacheMountTargets(in) {
		for _, s := range suffixes {
			if strings.HasSuffix(strings.TrimRight(t, "/"), "/"+s) {
				return true
			}
		}
	}
	return false
}
