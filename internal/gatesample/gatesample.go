// Package gatesample turns a copy of examples/gate into the workspace a CI
// run of the gate sees: it adds what the sample's build would produce and
// what is generated rather than committed, namely the service's OCI image (a
// Debian 12 image with a vulnerable openssl, as built from its Dockerfile)
// and the offline vulnerability DB fixture. `make demo` and the CI
// integration tests in ci/ share it, so they show the verdicts the tests
// assert. Nothing here imports Trivy.
package gatesample

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln/vulntest"
)

// Files are the committed parts of examples/gate that a pipeline checks out.
var Files = []string{"Dockerfile", "crank-gate.yaml", "src"}

// Copy copies Files from the examples/gate directory src into dst.
func Copy(src, dst string) error {
	for _, name := range Files {
		root := filepath.Join(src, name)
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(src, p)
			if err != nil {
				return err
			}
			if d.IsDir() {
				return os.MkdirAll(filepath.Join(dst, rel), 0o755)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Build writes dir/build/image (OCI layout, tag latest) and
// dir/build/trivy-cache (the DB fixture, built an hour ago), where the
// sample's crank-gate.yaml looks for them.
func Build(tb testing.TB, dir string) {
	tb.Helper()
	img, err := asBuiltFromDockerfile(vulntest.DebianImage(tb))
	if err != nil {
		tb.Fatal(err)
	}
	vulntest.WriteOCI(tb, filepath.Join(dir, "build/image"), img, "latest")
	vulntest.WriteDB(tb, filepath.Join(dir, "build/trivy-cache"), time.Now().Add(-time.Hour))
}

// asBuiltFromDockerfile records what building examples/gate/Dockerfile
// records, as the example's own test does: its HEALTHCHECK, and the base
// image it resolved as BuildKit's OCI base annotations.
func asBuiltFromDockerfile(img v1.Image) (v1.Image, error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Config.Healthcheck = &v1.HealthConfig{Test: []string{"CMD", "/app", "-healthcheck"}, Interval: 30 * time.Second}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return nil, err
	}
	const base = "gcr.io/distroless/static-debian12:nonroot"
	return mutate.Annotations(img, map[string]string{
		"org.opencontainers.image.base.name":   base,
		"org.opencontainers.image.base.digest": fmt.Sprintf("sha256:%x", sha256.Sum256([]byte(base))),
	}).(v1.Image), nil
}
