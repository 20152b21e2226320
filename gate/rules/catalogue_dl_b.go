package rules

// hadolintRulesB lists the hadolint rules DL3031-DL3067 and DL4000-DL4006, in id order.
func hadolintRulesB() []Rule {
	return []Rule{
		DL4006,
	}
}
