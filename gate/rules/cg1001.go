package rules

// CG1001: base images pinned by digest.
var CG1001 = Rule{
	ID:       "CG1001",
	Name:     "from-digest",
	Severity: Warning,
	Summary:  "Pin base images by digest.",
	Why: "A tag is a mutable pointer: the publisher (or anyone who takes over the repository) can move " +
		"`debian:12` to different content, and your next build ships it without a diff in your repository. " +
		"A digest (`@sha256:...`) names exact content, makes builds reproducible, and lets tools such as " +
		"Renovate or Dependabot propose upgrades as reviewable changes.",
	Bad:  "FROM debian:12.7-slim\nUSER 1000\n",
	Good: "FROM debian:12.7-slim@sha256:ad86386827b083b3d71139050b47ffb32bbd9559ea9b1345a739b14fec2d9ecf\nUSER 1000\n",
	Differences: "Only stages that take part in building the target are checked; `scratch`, references to " +
		"other stages and bases that depend on an ARG without a known value are skipped.",
	Check: checkCG1001,
}

func checkCG1001(ctx *Context) {
	for _, s := range ctx.ShippedStages() {
		ref := s.BaseRef
		if s.BaseStage != nil || ref.Unresolved || ref.Scratch || ref.Digest != "" {
			continue
		}
		ctx.Report(s.From, "Base image %q is not pinned by digest; use %s@sha256:<digest>", s.Base, s.Base)
	}
}
