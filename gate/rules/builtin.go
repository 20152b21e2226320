package rules

// The engine reports these itself; they are in the catalogue so that they
// have docs, SARIF metadata and can be filtered like any other rule.

// CG0000 is a parse error confined to one instruction.
var CG0000 = Rule{
	ID:       "CG0000",
	Name:     "parse-error",
	Severity: Error,
	Summary:  "The instruction cannot be parsed by BuildKit.",
	Why: "BuildKit would refuse to build this file. The error is confined to one instruction, " +
		"so the rest of the file is still linted and all problems are shown in one run.",
	Bad:     "FROM alpine:3.20\nHEALTHCHECK --interval=often CMD true\n",
	Good:    "FROM alpine:3.20\nHEALTHCHECK --interval=30s CMD true\n",
	Builtin: true,
}

// CG0001 is a suppression pragma that suppressed nothing.
var CG0001 = Rule{
	ID:       "CG0001",
	Name:     "unused-suppression",
	Severity: Info,
	Summary:  "A suppression comment or config ignore matched no finding.",
	Why: "Stale suppressions hide the next real problem on that line and make reviews harder. " +
		"Remove the comment, or fix its rule id.",
	Bad:     "FROM alpine:3.20\n# crank-gate ignore=DL3006 reason=\"legacy\"\nUSER 1000\n",
	Good:    "FROM alpine:3.20\nUSER 1000\n",
	Builtin: true,
}

// CG0002 is an ignore in the configuration whose expiry date has passed.
var CG0002 = Rule{
	ID:       "CG0002",
	Name:     "expired-ignore",
	Severity: Warning,
	Summary:  "A configured ignore has expired and no longer suppresses findings.",
	Why: "Ignores with an `expires` date are promises to fix something. After the date the ignored " +
		"findings are reported again, and this finding says which ignore ran out.",
	Bad:     "# .crank-gate.yaml\n# ignore:\n#   - rule: DL3006\n#     reason: migrate base\n#     expires: 2020-01-01\n",
	Good:    "# .crank-gate.yaml\n# ignore:\n#   - rule: DL3006\n#     reason: migrate base\n#     expires: 2099-01-01\n",
	Builtin: true,
}
