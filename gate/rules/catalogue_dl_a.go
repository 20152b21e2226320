package rules

// hadolintRulesA lists the hadolint rules DL1001 and DL3000-DL3030, in id order.
// DL3005 and DL3017 (apt-get/apk upgrade) are absent: hadolint 2 removed them.
func hadolintRulesA() []Rule {
	return []Rule{
		DL1001,
		DL3000,
		DL3001,
		DL3002,
		DL3003,
		DL3004,
		DL3006,
		DL3007,
		DL3008,
		DL3009,
		DL3010,
		DL3011,
		DL3012,
		DL3013,
		DL3014,
		DL3015,
		DL3016,
		DL3018,
		DL3019,
		DL3020,
		DL3021,
		DL3022,
		DL3023,
		DL3024,
		DL3025,
		DL3026,
		DL3027,
		DL3028,
		DL3029,
		DL3030,
	}
}
