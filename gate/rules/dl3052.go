package rules

import "net/url"

// DL3052: a url-typed label is not a URL.
var DL3052 = Rule{
	ID:       "DL3052",
	Name:     "label-not-url",
	Severity: Warning,
	Summary:  "A label of type url in the label schema is not a valid URL.",
	Why: "Registries and scanners follow `org.opencontainers.image.source` and similar labels to the " +
		"repository or documentation; a value without a scheme and host cannot be followed. Use an absolute " +
		"URL such as `https://github.com/example/app`.",
	Bad:  "FROM alpine:3.20\nLABEL org.opencontainers.image.source=github.com/example/app\n",
	Good: "FROM alpine:3.20\nLABEL org.opencontainers.image.source=https://github.com/example/app\n",
	Differences: "hadolint (DL3052.hs) checks only the labels of type `url` in a configured `label-schema` and " +
		"fires when a value is not an absolute URI (Network.URI.parseURI); without a schema it checks " +
		"nothing. crank, without a configured label schema, checks the URL keys of the OCI image spec " +
		"(`url`, `source`, `documentation`) and label-schema.org (`url`, `vcs-url`). " +
		diffLabelStages +
		" `compat: hadolint` checks only the configured schema, every stage.",
	Equivalents: Equivalents{Hadolint: []string{"DL3052"}},
	Check:       checkDL3052,
}

func checkDL3052(ctx *Context) {
	reportLabelValues(ctx, "url", isAbsoluteURL, "Label %s is not a valid URL (%q); use an absolute URL with a scheme such as https://")
}

func isAbsoluteURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "")
}
