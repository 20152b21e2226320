package rules

import "regexp"

// DL3056: a semver-typed label is not a semantic version.
var DL3056 = Rule{
	ID:       "DL3056",
	Name:     "label-not-semver",
	Severity: Warning,
	Summary:  "A label of type semver in the label schema does not conform to semantic versioning.",
	Why: "Release tooling compares version labels; that only works when they follow Semantic Versioning " +
		"(`1.4.2`, `2.0.0-rc.1`). Use MAJOR.MINOR.PATCH without a `v` prefix.",
	Bad:  "FROM alpine:3.20\nLABEL org.opencontainers.image.version=v1.4\n",
	Good: "FROM alpine:3.20\nLABEL org.opencontainers.image.version=1.4.2\n",
	Differences: "Off until a `label-schema` is configured (then on, as in hadolint); `--only` or a severity override enables it without one. Without a configured schema " +
		"`org.opencontainers.image.version` and `org.label-schema.version` are checked (the OCI spec does not " +
		"require semver, hence off by default). " + diffLabelStages,
	Equivalents:  Equivalents{Hadolint: []string{"DL3056"}},
	OffByDefault: true,
	EnabledBy:    labelSchemaSet,
	Check:        checkDL3056,
}

// semverRe is the regular expression published by semver.org.
var semverRe = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

func checkDL3056(ctx *Context) {
	reportLabelValues(ctx, "semver", semverRe.MatchString, "Label %s is not a semantic version (%q); use MAJOR.MINOR.PATCH such as 1.4.2")
}
