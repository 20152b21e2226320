package rules

import "strings"

// CG5001: the image must end as the platform's numeric non-root user.
var CG5001 = Rule{
	ID:       "CG5001",
	Name:     "numeric-nonroot-user",
	Severity: Error,
	Summary:  "End the final stage with USER <uid>[:<gid>], a numeric non-root uid (default 1000).",
	Why: "The platform runs workloads as `worker:1000` with `runAsNonRoot`. The runtime can only prove a " +
		"user is not root when it is a number: `USER worker` could map to uid 0 in the image's " +
		"`/etc/passwd`, so Kubernetes refuses to start such an image under `runAsNonRoot`, and an image " +
		"without USER runs as whatever the base says, usually root. End the final stage with the numeric " +
		"uid (and gid): `USER 1000:1000`. The required uid is configurable (`required-uid:` in " +
		"`.crank-gate.yaml`).",
	Bad:  "FROM gcr.io/distroless/static-debian12\nCOPY app /app\nUSER worker\n",
	Good: "FROM gcr.io/distroless/static-debian12\nCOPY app /app\nUSER 1000:1000\n",
	Differences: "Only the stage that becomes the image is checked, following `FROM <stage>` chains; build " +
		"stages may use any user. The USER value is ARG/ENV-expanded (`USER ${UID}` with `ARG UID=1000` " +
		"passes); a value that depends on an ARG without a default fires, because the gate cannot see what " +
		"will ship. A missing USER fires even when the base image sets one, since the Dockerfile alone must " +
		"show the uid. DL3002 only rejects root; this rule also requires a number, and the configured uid.",
	Equivalents: Equivalents{Hadolint: []string{"DL3002"}, Trivy: []string{"DS002"}, Dockle: []string{"CIS-DI-0001"}},
	Check:       checkCG5001,
}

func checkCG5001(ctx *Context) {
	target := ctx.Target()
	if target == nil {
		return
	}
	want := ctx.Config.RequiredUID
	fix := "USER " + want + ":" + want
	if want == "" {
		fix = "USER <uid>:<gid> with a non-zero uid"
	}
	last := LastUser(target)
	if last == nil {
		ctx.Report(target.From, "The image sets no USER, so it runs as the base image's user (often root); end the final stage with %s", fix)
		return
	}
	if len(last.Args) == 0 {
		return
	}
	value, known := ctx.Expand(last, last.Args[0])
	if !known {
		ctx.Report(last, "USER %s depends on a variable with no known value, so the uid that ships cannot be checked; give it a default or use %s", last.Args[0], fix)
		return
	}
	uid, _, _ := strings.Cut(value, ":")
	switch {
	case !cgIsNumber(uid):
		ctx.Report(last, "USER %s is a name, which the runtime cannot verify as non-root; use %s", value, fix)
	case strings.TrimLeft(uid, "0") == "":
		ctx.Report(last, "USER %s runs the image as root; use %s", value, fix)
	case want != "" && strings.TrimLeft(uid, "0") != strings.TrimLeft(want, "0"):
		ctx.Report(last, "USER %s is not the platform's uid %s; use %s", value, want, fix)
	}
}

func cgIsNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
