package vuln

import (
	"context"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/image"
)

var _ image.VulnScanner = ImageScanner{}

// ImageScanner plugs a Scanner (Trivy) with its filter into the image
// command's single pass. Findings leave Path empty so the image command
// links them to the Dockerfile or its logical location like its own.
type ImageScanner struct {
	Scanner Scanner
	Filter  Filter
	// Notices receives expired/unused ignore notices (nil drops them).
	Notices func([]Notice)
}

// ScanImage implements image.VulnScanner.
func (s ImageScanner) ScanImage(ctx context.Context, img v1.Image, opt image.VulnOptions) ([]findings.Finding, error) {
	vs, err := s.Scanner.ScanImage(ctx, img, opt.Ref)
	if err != nil {
		return nil, err
	}
	kept, _, notices := s.Filter.Apply(vs)
	if s.Notices != nil && len(notices) > 0 {
		s.Notices(notices)
	}
	fs := ToFindings(kept, opt.Ref, "")
	for i := range fs {
		fs[i].Path = ""
	}
	return fs, nil
}
