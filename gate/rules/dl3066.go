package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3066: USER names a user instead of a uid.
var DL3066 = Rule{
	ID:       "DL3066",
	Name:     "user-numeric",
	Severity: Info,
	Summary:  "Non-numeric user id may not be resolvable by the host system.",
	Why: "`USER app` is looked up in the image's `/etc/passwd` when the container starts; the host, the " +
		"orchestrator and volume permissions only see numbers, and Kubernetes' `runAsNonRoot` cannot prove " +
		"that a name is not root. Use the numeric uid (and gid): `USER 10001:10001`.",
	Bad:  "FROM alpine:3.20\nRUN adduser -D -u 10001 app\nUSER app\n",
	Good: "FROM alpine:3.20\nRUN adduser -D -u 10001 app\nUSER 10001:10001\n",
	Differences: "Off by default: CG5001 asks for a numeric non-root uid on the image's final USER, on by " +
		"default, and wins, so a named final user is reported once. DL3066 is hadolint's wider check: every " +
		"USER, in every stage, whose user part (before `:`) is not all digits fires; the group may be a name, " +
		"as in hadolint, and ONBUILD USER is not checked (hadolint does not either). `compat: hadolint` turns it on, as hadolint runs it by default. Enable it (`--only DL3066` or a severity override) for hadolint's findings under " +
		"hadolint's id. Here the value is ARG/ENV-expanded first (`USER ${UID}` with `ARG UID=10001` passes) and " +
		"a value that depends on a variable without a known value is not reported (CG5001 judges that on the " +
		"final USER); `compat: hadolint` reads the value as written, as hadolint does, so `USER $UID` fires.",
	Equivalents:  Equivalents{Hadolint: []string{"DL3066"}, Trivy: []string{"DS002"}},
	OffByDefault: true,
	EnabledBy:    hadolintCompatSet,
	Check:        checkDL3066,
}

func checkDL3066(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindUser) {
		if len(in.Args) == 0 {
			continue
		}
		raw := in.Args[0]
		value := raw
		if !ctx.Compat() {
			v, known := ctx.Expand(in, raw)
			if !known {
				continue
			}
			value = v
		}
		uid, _, _ := strings.Cut(value, ":")
		if strings.Trim(uid, "0123456789") != "" {
			ctx.Report(in, "USER %s names a user, which the host cannot resolve and the runtime cannot verify as non-root; use the numeric uid, e.g. USER 10001:10001", value)
		}
	}
}
