package rules

// DL3055: a hash-typed label is not a git hash.
var DL3055 = Rule{
	ID:       "DL3055",
	Name:     "label-not-git-hash",
	Severity: Warning,
	Summary:  "A label of type hash in the label schema is not a valid git hash.",
	Why: "The revision label ties an image to the exact commit it was built from; a branch name or tag " +
		"moves and cannot do that. Pass the commit, e.g. `--build-arg REVISION=$(git rev-parse HEAD)`.",
	Bad:  "FROM alpine:3.20\nLABEL org.opencontainers.image.revision=main\n",
	Good: "FROM alpine:3.20\nLABEL org.opencontainers.image.revision=0f3c5e0a1b2c3d4e5f60718293a4b5c6d7e8f901\n",
	Differences: "Full SHA-1 (40) and SHA-256 (64) hashes and abbreviated hashes of at least 7 hex digits are " +
		"accepted; hadolint accepts only 40 digits. Without a configured schema `org.opencontainers.image.revision` " +
		"and `org.label-schema.vcs-ref` are checked. " + diffLabelStages,
	Equivalents: Equivalents{Hadolint: []string{"DL3055"}},
	Check:       checkDL3055,
}

func checkDL3055(ctx *Context) {
	reportLabelValues(ctx, "hash", isGitHash, "Label %s is not a git commit hash (%q); use the full commit id")
}

func isGitHash(v string) bool {
	if len(v) < 7 || len(v) > 64 {
		return false
	}
	for _, r := range v {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}
