package rules

// crankRules lists crank's own rules (CG1xxx-CG5xxx), in id order.
func crankRules() []Rule {
	return []Rule{
		CG1001,
		CG1002,
		CG1003,
		CG2001,
		CG2002,
		CG2003,
		CG2004,
		CG3001,
		CG3002,
		CG3003,
		CG4001,
		CG4002,
		CG5001,
		CG5002,
		CG5003,
	}
}
