package rules

import "strings"

// All is the catalogue, in id order. Adding a rule means adding its
// variable here; there is no init() registration, so the list is the
// single place to see what crank-gate checks.
func All() []Rule {
	return []Rule{
		// Engine-reported rules.
		CG0000,
		CG0001,
		CG0002,
		// crank rules.
		CG1001,
		// hadolint rules.
		DL3002,
		DL3006,
		DL4006,
	}
}

// ByID finds a rule (case-insensitive); ok is false for unknown ids.
func ByID(id string) (Rule, bool) {
	for _, r := range All() {
		if strings.EqualFold(r.ID, id) {
			return r, true
		}
	}
	return Rule{}, false
}
