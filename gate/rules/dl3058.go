package rules

import "net/mail"

// DL3058: an email-typed label is not an email address.
var DL3058 = Rule{
	ID:       "DL3058",
	Name:     "label-not-email",
	Severity: Warning,
	Summary:  "A label of type email in the label schema is not a valid RFC 5322 email address.",
	Why: "Contact labels are how people and incident tooling reach the image's owners; a value that is not " +
		"an address (`team-platform`) cannot be used. Use `team@example.com` or `Team <team@example.com>`.",
	Bad:  "FROM alpine:3.20\nLABEL org.opencontainers.image.authors=platform-team\n",
	Good: "FROM alpine:3.20\nLABEL org.opencontainers.image.authors=\"Platform <platform@example.com>\"\n",
	Differences: "Off until a `label-schema` is configured (then on, as in hadolint); `--only` or a severity override enables it without one. Address lists and display " +
		"names (`Team <team@example.com>`) are accepted. Without a configured schema " +
		"`org.opencontainers.image.authors` is checked. " + diffLabelStages,
	Equivalents:  Equivalents{Hadolint: []string{"DL3058"}},
	OffByDefault: true,
	EnabledBy:    labelSchemaSet,
	Check:        checkDL3058,
}

func checkDL3058(ctx *Context) {
	reportLabelValues(ctx, "email", func(v string) bool {
		_, err := mail.ParseAddressList(v)
		return err == nil
	}, "Label %s is not an email address (%q); use name@example.com")
}
