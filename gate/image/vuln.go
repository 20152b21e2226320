package image

import (
	"context"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// VulnScanner finds vulnerable packages in an image. The Trivy adapter
// (gate/scanners) implements it so that this package never imports Trivy,
// which needs GOEXPERIMENT=jsonv2 and a long compile. Findings carry the
// scanner's own Engine and rule ids; a finding without a Path gets the
// image's location (Dockerfile or logical) like every image finding.
type VulnScanner interface {
	ScanImage(ctx context.Context, img v1.Image, opt VulnOptions) ([]findings.Finding, error)
}

// VulnOptions are what the image command knows that a vulnerability
// scanner may need; thresholds, ignores and DB settings are the
// scanner's own configuration.
type VulnOptions struct {
	// Ref is the reference as given, for messages.
	Ref string
}
