package rules

import "regexp"

// DL1001: inline ignore pragmas.
var DL1001 = Rule{
	ID:       "DL1001",
	Name:     "inline-ignore-pragma",
	Severity: Info,
	Summary:  "Please refrain from using inline ignore pragmas # hadolint ignore=DLxxxx.",
	Why: "An inline `# hadolint ignore=...` (or `# crank-gate ignore=...`) silences a rule next to the code, " +
		"where a reviewer may not notice it and nothing records why or until when. Teams that want every " +
		"exception reviewed in one place turn this rule on and move ignores to `.crank-gate.yaml`, which " +
		"requires a reason and can expire.",
	Bad:  "FROM debian:12\n# hadolint ignore=DL3008\nRUN apt-get install -y curl\n",
	Good: "FROM debian:12\n# curl is pinned by the snapshot mirror\nRUN apt-get install -y curl\n",
	Differences: "Off by default, as in hadolint (its severity is `ignore`). Like hadolint it reports inline " +
		"pragmas only, not `# hadolint global ignore=...`; here `# crank-gate ignore=` and `# crank-gate stage " +
		"ignore=` count too. The pragma still suppresses what it names: this rule reports it, it does not " +
		"disable it (hadolint's `disable-ignore-pragma` does that). `compat: hadolint` reports hadolint's " +
		"pragmas only.",
	Equivalents:  Equivalents{Hadolint: []string{"DL1001"}},
	OffByDefault: true,
	Check:        checkDL1001,
}

var (
	// inlinePragmaRe matches the comment text of an inline ignore pragma, as
	// gate/lint reads them (hadolint's own spelling and ours).
	inlinePragmaRe         = regexp.MustCompile(`^(hadolint|crank-gate)\s+(stage\s+)?ignore\s*=`)
	hadolintInlinePragmaRe = regexp.MustCompile(`^hadolint\s+ignore\s*=`)
)

func checkDL1001(ctx *Context) {
	re := inlinePragmaRe
	if ctx.Compat() {
		re = hadolintInlinePragmaRe
	}
	for _, c := range ctx.File.Comments {
		if re.MatchString(c.Text) {
			ctx.ReportLine(nil, c.Line, "Inline ignore pragma; move the exception to the configuration file with a reason")
		}
	}
}
