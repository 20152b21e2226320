package cli

import (
	"context"
	"fmt"
	"os"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/crank-platform/terraform-provider-crank/gate/check"
	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/image"
	"github.com/crank-platform/terraform-provider-crank/gate/secrets"
)

// openedImage carries what image.Open learned about the descriptor (base
// image annotations of an index entry) from the opener to the checker.
// It is still the one v1.Image that was opened: the image checks and the
// vulnerability scan share it, so each target is resolved and opened once.
type openedImage struct {
	v1.Image
	annotations map[string]string
}

// VerifyError passes on what the opened image's verifying readers saw, so
// the vulnerability scan of check fails on unverified bytes as well.
func (o openedImage) VerifyError() error {
	if v, ok := o.Image.(interface{ VerifyError() error }); ok {
		return v.VerifyError()
	}
	return nil
}

// imageOpener opens check's image targets through the image package's
// hardened sources (platform selection, loopback-only insecure registries,
// private spool dir for docker-daemon exports).
func imageOpener(Env) check.ImageOpener {
	return func(ctx context.Context, t check.ImageTarget) (v1.Image, func(), error) {
		ref := t.Source
		if ref == "" {
			ref = t.Ref
		}
		src, err := image.Open(ctx, ref, image.SourceOptions{Platform: t.Platform})
		if err != nil {
			return nil, nil, err
		}
		return openedImage{Image: src.Image, annotations: src.Annotations}, src.Close, nil
	}
}

// imageChecker runs the image package's configuration and filesystem
// checks with gitleaks' rules for file contents, ENV, labels and history.
// Vulnerabilities are not scanned here: check scans the same image with
// its own scanner so the policy's vulnerability threshold applies.
func imageChecker(Env) check.ImageChecker {
	var (
		once    sync.Once
		content image.ContentScanner
		cerr    error
	)
	return func(ctx context.Context, img v1.Image, t check.ImageTarget, cfg *config.Config) (check.ImageCheck, error) {
		once.Do(func() {
			gcfg, err := secrets.LoadConfig("")
			if err != nil {
				cerr = fmt.Errorf("gitleaks rules: %w", err)
				return
			}
			content = secrets.NewDetector(ctx, gcfg).ForImage(ctx)
		})
		if cerr != nil {
			return check.ImageCheck{}, cerr
		}
		if cfg == nil {
			cfg = config.Default()
		}
		opt := image.Options{Ref: t.Ref, Config: cfg, Policy: image.PolicyFor(cfg), Limits: image.LimitsFor(cfg), Content: content}
		if oi, ok := img.(openedImage); ok {
			opt.Annotations = oi.annotations
			img = oi.Image
		}
		res, err := image.Run(ctx, img, opt)
		if err != nil {
			return check.ImageCheck{}, err
		}
		loc := image.LogicalLocator(t.Ref)
		if t.Dockerfile != "" {
			df, err := os.ReadFile(t.Dockerfile)
			if err != nil {
				return check.ImageCheck{}, fmt.Errorf("dockerfile: %w", err)
			}
			if loc, err = image.DockerfileLocator(t.Dockerfile, df, res, nil); err != nil {
				return check.ImageCheck{}, err
			}
		}
		fs := res.Findings(loc)
		if t.Dockerfile == "" {
			// No Dockerfile: check points the findings at the policy file
			// so that every SARIF result has a file location.
			for i := range fs {
				fs[i].Path = ""
			}
		}
		kept, suppressed := image.ApplyConfig(fs, cfg)
		return check.ImageCheck{Findings: kept, Rules: res.RuleInfos(), Suppressed: suppressed}, nil
	}
}
