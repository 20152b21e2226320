package image

import "github.com/crank-platform/terraform-provider-crank/gate/findings"

// CGI1010: the layer count budget.
var CGI1010 = Rule{
	ID:       "CGI1010",
	Name:     "image-layer-budget",
	Severity: findings.Warning,
	Summary:  "The image should stay within the layer budget (default 40 layers).",
	Why: "Every layer is a separate download and a separate overlay mount; long chains of RUN and COPY " +
		"lines also tend to leave deleted files behind in earlier layers. Merge related RUN lines and use " +
		"a multi-stage build; change the budget with `image.max-layers` in `.crank-gate.yaml` or `--max-layers`.",
	Config: checkCGI1010,
}

func checkCGI1010(s *Scan) {
	if s.Policy.MaxLayers > 0 && len(s.Layers) > s.Policy.MaxLayers {
		s.Report(Anchor{Kind: AnchorImage}, "layers", "The image has %d layers, over the budget of %d; merge RUN lines and build multi-stage", len(s.Layers), s.Policy.MaxLayers)
	}
}
