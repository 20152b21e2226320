package rules

// hadolintRulesA lists the hadolint rules DL3000-DL3030, in id order.
func hadolintRulesA() []Rule {
	return []Rule{
		DL3002,
		DL3006,
	}
}
