package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3025: CMD/ENTRYPOINT in shell form.
var DL3025 = Rule{
	ID:       "DL3025",
	Name:     "json-cmd",
	Severity: Warning,
	Summary:  "Use arguments JSON notation for CMD and ENTRYPOINT arguments.",
	Why: "In shell form Docker runs `/bin/sh -c \"...\"`, so the shell is PID 1: it does not forward SIGTERM, the " +
		"process is killed after the stop timeout instead of shutting down cleanly, and an ENTRYPOINT in shell " +
		"form ignores CMD and `docker run` arguments. Write `[\"executable\", \"arg\"]`, or `exec` in a script.",
	Bad:  "FROM node:22.11-slim\nCMD node server.js\n",
	Good: "FROM node:22.11-slim\nCMD [\"node\", \"server.js\"]\n",
	Differences: "Only the CMD and ENTRYPOINT that end up in the image are checked: the last of each in the target " +
		"stage or the stages it is built `FROM`. A CMD that a later one replaces, or one in a build stage, never " +
		"runs; hadolint reports every one." +
		" `compat: hadolint` reports every one too.",
	Equivalents: Equivalents{Hadolint: []string{"DL3025"}, BuildKit: []string{"JSONArgsRecommended"}},
	Check:       checkDL3025,
}

func checkDL3025(ctx *Context) {
	if ctx.Compat() {
		// hadolint (DL3025.hs) reports every CMD and ENTRYPOINT in shell
		// form, in every stage.
		for in := range ctx.Instructions(dockerfile.KindEntrypoint, dockerfile.KindCmd) {
			if !in.JSONForm && len(in.Args) > 0 {
				ctx.Report(in, "%s in shell form runs under /bin/sh -c, which does not pass on signals; use JSON notation [\"executable\", \"arg\"]", in.Kind)
			}
		}
		return
	}
	for _, kind := range []string{dockerfile.KindEntrypoint, dockerfile.KindCmd} {
		in := lastInImage(ctx, kind)
		if in != nil && !in.JSONForm && len(in.Args) > 0 {
			ctx.Report(in, "%s in shell form runs under /bin/sh -c, which does not pass on signals; use JSON notation [\"executable\", \"arg\"]", kind)
		}
	}
}

// lastInImage returns the instruction of kind in effect for the image:
// the last one in the target stage or, failing that, in the stages it is
// built FROM.
func lastInImage(ctx *Context, kind string) *dockerfile.Instruction {
	for s := ctx.Target(); s != nil; s = s.BaseStage {
		for i := len(s.Instructions) - 1; i >= 0; i-- {
			if s.Instructions[i].Kind == kind {
				return s.Instructions[i]
			}
		}
	}
	return nil
}
