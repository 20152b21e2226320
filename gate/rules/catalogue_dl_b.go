package rules

// hadolintRulesB lists the hadolint rules DL3031-DL3067 and DL4000-DL4006, in id order.
func hadolintRulesB() []Rule {
	return []Rule{
		DL3032,
		DL3033,
		DL3034,
		DL3035,
		DL3036,
		DL3037,
		DL3038,
		DL3040,
		DL3041,
		DL3042,
		DL3043,
		DL3044,
		DL3045,
		DL3046,
		DL3047,
		DL3048,
		DL3049,
		DL3050,
		DL3051,
		DL3052,
		DL3053,
		DL3054,
		DL3055,
		DL3056,
		DL3058,
		DL4006,
	}
}
