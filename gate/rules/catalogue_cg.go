package rules

// crankRules lists crank's own rules (CG1xxx-CG5xxx), in id order.
func crankRules() []Rule {
	return []Rule{
		CG1001,
	}
}
