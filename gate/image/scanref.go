package image

import (
	"context"
	"fmt"
	"os"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// Request is one image to check, as the image and check commands get it.
type Request struct {
	Ref    string
	Source SourceOptions
	// Options for Run; Ref and Annotations are filled in from the source.
	Options Options
	// Dockerfile, when set, links findings to its lines.
	Dockerfile string
	BuildArgs  map[string]string
}

// ScanRef opens, reads and locates one image: the entry point for
// callers that want findings, not the pieces (crank-gate check).
func ScanRef(ctx context.Context, req Request) (*Result, []findings.Finding, error) {
	var df []byte
	if req.Dockerfile != "" {
		var err error
		if df, err = os.ReadFile(req.Dockerfile); err != nil {
			return nil, nil, fmt.Errorf("--dockerfile: %w", err)
		}
	}
	src, err := Open(ctx, req.Ref, req.Source)
	if err != nil {
		return nil, nil, err
	}
	defer src.Close()
	opt := req.Options
	opt.Ref = req.Ref
	opt.Annotations = src.Annotations
	// From disk, the vulnerability engine reads the image beside the
	// checks' pass; a registry image is read by the pass first, so the
	// engine finds its layers in the read-once spool.
	opt.ConcurrentVuln = src.Local
	res, err := Run(ctx, src.Image, opt)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", req.Ref, err)
	}
	loc := LogicalLocator(req.Ref)
	if df != nil {
		if loc, err = DockerfileLocator(req.Dockerfile, df, res, req.BuildArgs); err != nil {
			return nil, nil, err
		}
	}
	return res, res.Findings(loc), nil
}
