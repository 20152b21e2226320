package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3002: the image ends running as root.
var DL3002 = Rule{
	ID:       "DL3002",
	Name:     "last-user-root",
	Severity: Warning,
	Summary:  "Last USER should not be root.",
	Why: "A container that runs as root turns any code-execution bug into root in the container, " +
		"and one kernel or runtime escape away from root on the node. Switch to an unprivileged " +
		"user after the steps that need root.",
	Bad:  "FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER root\n",
	Good: "FROM alpine:3.20\nRUN apk add --no-cache curl\nUSER 1000:1000\n",
	Differences: "Only the stage that becomes the image (the `--target`, default the last stage) is checked, " +
		"following `FROM <stage>` chains; build stages may end as root. The USER value is ARG-expanded, " +
		"and `0`, `0:0` and `root:<group>` count as root (as in hadolint). hadolint reports every stage whose own " +
		"last USER is root, so a build stage that ends as root fires although it never runs the container; " +
		"`compat: hadolint` does the same, with USER read as written.",
	Equivalents: Equivalents{Hadolint: []string{"DL3002"}, Trivy: []string{"DS002"}, Dockle: []string{"CIS-DI-0001"}},
	Check:       checkDL3002,
}

func checkDL3002(ctx *Context) {
	if ctx.Compat() {
		// hadolint: every stage whose own last USER is root, as written.
		for _, s := range ctx.File.Stages {
			if last := LastUser(&dockerfile.Stage{Instructions: s.Instructions}); last != nil && IsRootUser(last.Args) {
				ctx.Report(last, "The stage ends as root (USER %s); switch to a non-root user at the end", strings.Join(last.Args, " "))
			}
		}
		return
	}
	if last := LastUser(ctx.Target()); last != nil && IsRootUser(last.Expanded) {
		ctx.Report(last, "The image runs as root (USER %s); switch to a non-root user at the end", strings.Join(last.Expanded, " "))
	}
}

// LastUser returns the USER instruction in effect at the end of stage s,
// looking through FROM <stage> parents; nil when there is none.
func LastUser(s *dockerfile.Stage) *dockerfile.Instruction {
	for ; s != nil; s = s.BaseStage {
		for i := len(s.Instructions) - 1; i >= 0; i-- {
			if s.Instructions[i].Kind == dockerfile.KindUser {
				return s.Instructions[i]
			}
		}
	}
	return nil
}

// IsRootUser reports whether USER args name root (by name or uid 0).
func IsRootUser(args []string) bool {
	if len(args) == 0 {
		return false
	}
	user, _, _ := strings.Cut(args[0], ":")
	return user == "root" || user == "0"
}
