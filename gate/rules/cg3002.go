package rules

import (
	"regexp"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// CG3002: ADD of a remote source without a checksum.
var CG3002 = Rule{
	ID:       "CG3002",
	Name:     "add-url-checksum",
	Severity: Warning,
	Summary:  "Give ADD of a URL a --checksum, and pin ADD of a git repository to a commit.",
	Why: "`ADD https://...` downloads whatever the server returns at build time; nothing in the repository says " +
		"what was expected, so a replaced file goes unnoticed. `ADD --checksum=sha256:<hex> <url> <dest>` makes " +
		"BuildKit refuse anything else. A git source (`ADD https://github.com/org/repo.git#v1.2 /src`) names a " +
		"branch or tag, which can move: pin the full commit (`#<40-hex sha>`) or give `--checksum=<commit>`. " +
		"`--keep-git-dir` only decides whether `.git` is copied and verifies nothing.",
	Bad: "FROM debian:12.7-slim\nADD https://example.com/tool.tgz /tmp/\n",
	Good: "# syntax=docker/dockerfile:1.10\nFROM debian:12.7-slim\n" +
		"ADD --checksum=sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae https://example.com/tool.tgz /tmp/\n",
	Differences: "Only stages that take part in building the target are checked; sources are ARG-expanded. " +
		"hadolint's DL3020 (use COPY for local files) never fires on URLs, so the two rules do not overlap.",
	Check: checkCG3002,
}

var cgCommitRe = regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64})$`)

func checkCG3002(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindAdd) {
		if in.Stage == nil || !in.Stage.ReachesTarget || len(in.Expanded) < 2 {
			continue
		}
		if _, ok := in.Flag("checksum"); ok {
			continue
		}
		for _, src := range in.Expanded[:len(in.Expanded)-1] {
			if cgIsGitSource(src) {
				_, frag, _ := strings.Cut(src, "#")
				ref, _, _ := strings.Cut(frag, ":")
				if !cgCommitRe.MatchString(ref) {
					ctx.Report(in, "ADD of git source %s is not pinned to a commit; use #<full commit sha> or --checksum=<commit>", src)
				}
				break
			}
			if l := strings.ToLower(src); strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://") {
				ctx.Report(in, "ADD downloads %s without --checksum; add --checksum=sha256:<hex> so a changed file fails the build", src)
				break
			}
		}
	}
}

// cgIsGitSource follows BuildKit's idea of a git source for ADD.
func cgIsGitSource(s string) bool {
	l := strings.ToLower(s)
	if strings.HasPrefix(l, "git@") || strings.HasPrefix(l, "git://") || strings.HasPrefix(l, "ssh://") || strings.HasPrefix(l, "github.com/") {
		return true
	}
	if !strings.HasPrefix(l, "https://") && !strings.HasPrefix(l, "http://") {
		return false
	}
	base, _, _ := strings.Cut(l, "#")
	return strings.HasSuffix(base, ".git") || strings.Contains(l, ".git#")
}
