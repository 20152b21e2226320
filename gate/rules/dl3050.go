package rules

import "strings"

// DL3050: a label outside the label schema (strict labels).
var DL3050 = Rule{
	ID:       "DL3050",
	Name:     "label-superfluous",
	Severity: Info,
	Summary:  "Superfluous label present: strict labels allow only the keys of the label schema.",
	Why: "With `strict-labels` the label schema is the complete list of labels an image may carry, so a " +
		"misspelt key (`org.opencontainers.image.sorce`) is caught instead of silently ignored by the tools " +
		"that read it. Fix the key or add it to the schema.",
	Bad:  "FROM alpine:3.20\nLABEL org.opencontainers.image.sorce=https://github.com/example/app\n",
	Good: "FROM alpine:3.20\nLABEL org.opencontainers.image.source=https://github.com/example/app\n",
	Differences: "Off until a `label-schema` is configured (then on, as in hadolint); `--only` or a severity override enables it without one. With a configured schema it " +
		"fires only under `strict-labels`, as in hadolint; without one the pre-defined keys of the OCI image spec, " +
		"`org.label-schema.*` and `maintainer` are the schema. " + diffLabelStages,
	Equivalents:  Equivalents{Hadolint: []string{"DL3050"}},
	OffByDefault: true,
	EnabledBy:    labelSchemaSet,
	Check:        checkDL3050,
}

func checkDL3050(ctx *Context) {
	configured := len(ctx.Config.LabelSchema) > 0
	if configured && !ctx.Config.StrictLabels {
		return
	}
	for _, l := range imageLabels(ctx) {
		if !l.keyKnown {
			continue
		}
		if configured {
			if _, ok := ctx.Config.LabelSchema[l.key]; ok {
				continue
			}
		} else if ociAnnotationKeys[l.key] || strings.HasPrefix(l.key, "org.label-schema.") {
			continue
		}
		ctx.Report(l.in, "Label %s is not in the label schema; fix the key or add it to the schema", l.key)
	}
}

// ociAnnotationKeys are the pre-defined annotation keys of the OCI image
// spec, plus the conventional maintainer label.
var ociAnnotationKeys = flagSet("maintainer",
	"org.opencontainers.image.created", "org.opencontainers.image.authors", "org.opencontainers.image.url",
	"org.opencontainers.image.documentation", "org.opencontainers.image.source", "org.opencontainers.image.version",
	"org.opencontainers.image.revision", "org.opencontainers.image.vendor", "org.opencontainers.image.licenses",
	"org.opencontainers.image.ref.name", "org.opencontainers.image.title", "org.opencontainers.image.description",
	"org.opencontainers.image.base.digest", "org.opencontainers.image.base.name")
