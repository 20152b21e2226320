package rules

import (
	"sort"
)

// DL3049: a label required by the label schema is missing.
var DL3049 = Rule{
	ID:       "DL3049",
	Name:     "label-missing",
	Severity: Info,
	Summary:  "A label required by the label schema is missing.",
	Why: "Teams use labels to find an image's source, owner and licence; the label schema (`label-schema` in " +
		"`.crank-gate.yaml` or `.hadolint.yaml`) lists the ones every image must carry. Add the missing label " +
		"to the stage that becomes the image.",
	Bad:  "FROM alpine:3.20\nUSER 1000\n",
	Good: "FROM alpine:3.20\nLABEL org.opencontainers.image.source=https://github.com/example/app\nUSER 1000\n",
	Differences: "Off until a `label-schema` is configured (then on, as in hadolint); `--only` or a severity override enables it without one. Only the image (the target and " +
		"the stages it is built `FROM`) must carry the labels, not every stage; labels inherited from an external " +
		"base image cannot be seen. Without a configured schema it asks for `org.opencontainers.image.source`.",
	Equivalents:  Equivalents{Hadolint: []string{"DL3049"}},
	OffByDefault: true,
	EnabledBy:    labelSchemaSet,
	Check:        checkDL3049,
}

func checkDL3049(ctx *Context) {
	t := ctx.Target()
	if t == nil {
		return
	}
	have := map[string]bool{}
	for _, l := range imageLabels(ctx) {
		if !l.keyKnown {
			return // an unknown key might be any of the required ones
		}
		have[l.key] = true
	}
	required := make([]string, 0, len(ctx.Config.LabelSchema))
	for k := range ctx.Config.LabelSchema {
		required = append(required, k)
	}
	if len(required) == 0 {
		required = []string{"org.opencontainers.image.source"}
	}
	sort.Strings(required)
	for _, k := range required {
		if !have[k] {
			ctx.Report(t.From, "Label %s is missing; add LABEL %s=<value> to the image", k, k)
		}
	}
}

// defaultLabelTypes are the value types the OCI image spec and the
// label-schema.org convention define for their keys; they apply when no
// label schema is configured.
var defaultLabelTypes = map[string]string{
	"org.opencontainers.image.created":       "rfc3339",
	"org.opencontainers.image.url":           "url",
	"org.opencontainers.image.documentation": "url",
	"org.opencontainers.image.source":        "url",
	"org.opencontainers.image.licenses":      "spdx",
	"org.opencontainers.image.revision":      "hash",
	"org.opencontainers.image.version":       "semver",
	"org.opencontainers.image.authors":       "email",
	"org.label-schema.build-date":            "rfc3339",
	"org.label-schema.url":                   "url",
	"org.label-schema.vcs-url":               "url",
	"org.label-schema.vcs-ref":               "hash",
	"org.label-schema.version":               "semver",
}

// labelTypes is the configured label schema, or the defaults.
func labelTypes(ctx *Context) map[string]string {
	if len(ctx.Config.LabelSchema) > 0 || ctx.Compat() {
		// hadolint's label rules are built from the configured schema
		// alone (DL3051.hs ... DL3054.hs map over its keys): none
		// without one.
		return ctx.Config.LabelSchema
	}
	return defaultLabelTypes
}

// reportLabelValues reports labels of schema type typ whose (known,
// non-empty) value fails valid.
func reportLabelValues(ctx *Context, typ string, valid func(string) bool, format string) {
	types := labelTypes(ctx)
	for _, l := range imageLabels(ctx) {
		if !l.keyKnown || !l.valueKnown || l.value == "" || types[l.key] != typ {
			continue
		}
		if !valid(l.value) {
			ctx.Report(l.in, format, l.key, l.value)
		}
	}
}
