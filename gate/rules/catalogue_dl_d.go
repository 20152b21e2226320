package rules

// hadolintRulesD lists the hadolint rules DL3071-DL3077 and DL4007, in id
// order (added in hadolint 2.15).
func hadolintRulesD() []Rule {
	return []Rule{
		DL3071,
		DL3072,
		DL3073,
		DL3074,
		DL3075,
		DL3076,
		DL3077,
		DL4007,
	}
}
