package rules

import "time"

// DL3053: an rfc3339-typed label is not an RFC 3339 time.
var DL3053 = Rule{
	ID:       "DL3053",
	Name:     "label-not-rfc3339",
	Severity: Warning,
	Summary:  "A label of type rfc3339 in the label schema is not an RFC 3339 date-time.",
	Why: "Build dates are compared and sorted by tools; the OCI spec requires RFC 3339 " +
		"(`2024-05-01T12:00:00Z`). Pass the value from the build, e.g. `--build-arg CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)`.",
	Bad:  "FROM alpine:3.20\nLABEL org.opencontainers.image.created=\"May 1 2024\"\n",
	Good: "FROM alpine:3.20\nLABEL org.opencontainers.image.created=2024-05-01T12:00:00Z\n",
	Differences: "hadolint (DL3053.hs) checks only the labels of type `rfc3339` in a configured `label-schema` " +
		"and fires when a value does not parse as an RFC 3339 time; without a schema it checks nothing. " +
		"crank, without a configured label schema, checks `org.opencontainers.image.created` and " +
		"`org.label-schema.build-date`. " +
		diffLabelStages +
		" `compat: hadolint` checks only the configured schema, every stage.",
	Equivalents: Equivalents{Hadolint: []string{"DL3053"}},
	Check:       checkDL3053,
}

func checkDL3053(ctx *Context) {
	reportLabelValues(ctx, "rfc3339", func(v string) bool {
		_, err := time.Parse(time.RFC3339, v)
		return err == nil
	}, "Label %s is not an RFC 3339 date-time (%q); use a form such as 2024-05-01T12:00:00Z")
}
