package ci_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestProviderBuildsForEveryReleaseOS: `goreleaser check` validates the
// configuration, not the code, so a Unix-only call (flock, kill) once made
// the windows archives unbuildable while check passed. The provider is
// built here for every goos the release lists (amd64 each; a full
// `goreleaser release --snapshot` costs about 25 minutes on 2 cores).
func TestProviderBuildsForEveryReleaseOS(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(), ".goreleaser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c goreleaserConfig
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	var goos []string
	for _, b := range c.Builds {
		if b.ID == "provider" {
			goos = b.Goos
		}
	}
	if len(goos) == 0 {
		t.Fatal(".goreleaser.yml has no provider build with a goos list")
	}
	for _, os_ := range goos {
		t.Run(os_, func(t *testing.T) {
			cmd := exec.Command("go", "build", "-trimpath", "-o", os.DevNull, ".")
			cmd.Dir = repoRoot()
			cmd.Env = append(os.Environ(), "GOOS="+os_, "GOARCH=amd64", "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("GOOS=%s go build: %v\n%s", os_, err, out)
			}
		})
	}
}
