package rules

// DL3051: a label of the schema is empty.
var DL3051 = Rule{
	ID:       "DL3051",
	Name:     "label-empty",
	Severity: Warning,
	Summary:  "A label of the label schema is empty.",
	Why: "An empty label looks like metadata but carries none: a scanner or registry that reads " +
		"`org.opencontainers.image.source` to find the repository gets nothing. This usually means a build " +
		"argument was not passed; fill the value or remove the label.",
	Bad:  "FROM alpine:3.20\nLABEL org.opencontainers.image.source=\"\"\n",
	Good: "FROM alpine:3.20\nLABEL org.opencontainers.image.source=https://github.com/example/app\n",
	Differences: "hadolint (DL3051.hs) checks only the labels named in a configured `label-schema`, and fires " +
		"when one is empty; without a schema it checks nothing. crank, without a configured label " +
		"schema, checks the typed keys of the OCI image spec and label-schema.org. " +
		diffLabelStages +
		" An ARG declared without a default counts as unknown, not empty. `compat: hadolint` checks " +
		"only the configured schema, every stage.",
	Equivalents: Equivalents{Hadolint: []string{"DL3051"}},
	Check:       checkDL3051,
}

func checkDL3051(ctx *Context) {
	types := labelTypes(ctx)
	for _, l := range imageLabels(ctx) {
		if _, inSchema := types[l.key]; inSchema && l.keyKnown && l.valueKnown && l.value == "" {
			ctx.Report(l.in, "Label %s is empty; give it a value or remove it", l.key)
		}
	}
}
