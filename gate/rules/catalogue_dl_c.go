package rules

// hadolintRulesC lists the hadolint rules DL3064-DL3070, in id order
// (added in hadolint 2.15).
func hadolintRulesC() []Rule {
	return []Rule{
		DL3064,
		DL3065,
		DL3066,
		DL3067,
		DL3068,
		DL3069,
		DL3070,
	}
}
