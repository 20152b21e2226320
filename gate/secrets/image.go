package secrets

import (
	"context"

	"github.com/crank-platform/terraform-provider-crank/gate/image"
)

var _ image.ContentScanner = imageScanner{}

// ForImage adapts the detector to the image checks' ContentScanner, so
// files in layers, ENV values, labels and history are scanned with the
// same gitleaks rules and allowlists as the source tree.
func (d *Detector) ForImage(ctx context.Context) image.ContentScanner {
	return imageScanner{d: d, ctx: ctx}
}

type imageScanner struct {
	d   *Detector
	ctx context.Context
}

// ScanContent reports only a hash prefix as the "redacted" form: even
// the first and last characters of a short token narrow a brute force.
func (s imageScanner) ScanContent(path string, content []byte) []image.Secret {
	var out []image.Secret
	for _, f := range s.d.ScanContent(s.ctx, path, content) {
		out = append(out, image.Secret{RuleID: f.RuleID, Description: f.Description, Line: f.Line, Redacted: "sha256:" + f.SecretHash[:8] + "…"})
	}
	return out
}
