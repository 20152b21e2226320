package ci_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"text/template"

	"gopkg.in/yaml.v3"
)

// goreleaserVersion is the goreleaser .ci/run installs.
const goreleaserVersion = "v2.17.0"

type goreleaserConfig struct {
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		ID     string   `yaml:"id"`
		Binary string   `yaml:"binary"`
		Env    []string `yaml:"env"`
		Goos   []string `yaml:"goos"`
	} `yaml:"builds"`
	Archives []struct {
		ID           string   `yaml:"id"`
		IDs          []string `yaml:"ids"`
		Formats      []string `yaml:"formats"`
		NameTemplate string   `yaml:"name_template"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
	Signs []struct {
		Artifacts string `yaml:"artifacts"`
	} `yaml:"signs"`
	Release struct {
		GitHub struct {
			Owner string `yaml:"owner"`
			Name  string `yaml:"name"`
		} `yaml:"github"`
	} `yaml:"release"`
}

// render evaluates a goreleaser name template with the fields it uses here
// (goreleaser templates are Go text/template).
func render(t *testing.T, tmpl string, fields map[string]string) string {
	t.Helper()
	tp, err := template.New("n").Option("missingkey=error").Parse(tmpl)
	if err != nil {
		t.Fatalf("template %q: %v", tmpl, err)
	}
	var b strings.Builder
	if err := tp.Execute(&b, fields); err != nil {
		t.Fatalf("template %q: %v", tmpl, err)
	}
	return b.String()
}

// TestReleaseNames: the archives are named as the Terraform registry
// expects (terraform-provider-crank_VERSION_OS_ARCH.zip holding
// terraform-provider-crank_vVERSION, one SHA256SUMS, signed), and the gate's
// archive and checksum names are the ones the Action and the GitLab template
// download (ci/main_test.go's release serves exactly those).
func TestReleaseNames(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(), ".goreleaser.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c goreleaserConfig
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	if c.ProjectName != "terraform-provider-crank" {
		t.Fatalf("project_name %q: the registry names archives after the provider's repository", c.ProjectName)
	}
	if c.Release.GitHub.Owner == "" || c.Release.GitHub.Name == "" {
		t.Error("release.github.owner/name unset: goreleaser check then needs a git remote")
	}
	fields := map[string]string{"ProjectName": c.ProjectName, "Version": "1.2.3", "Os": "linux", "Arch": "amd64"}
	archives := map[string]string{}
	for _, a := range c.Archives {
		if len(a.Formats) != 1 {
			t.Fatalf("archive %s: want one format, got %v", a.ID, a.Formats)
		}
		archives[a.ID] = render(t, a.NameTemplate, fields) + "." + a.Formats[0]
	}
	if got, want := archives["provider"], "terraform-provider-crank_1.2.3_linux_amd64.zip"; got != want {
		t.Errorf("provider archive %q, want %q", got, want)
	}
	if got, want := archives["crank-gate"], "crank-gate_1.2.3_linux_amd64.tar.gz"; got != want {
		t.Errorf("gate archive %q, want %q (what action.yml and the GitLab template fetch)", got, want)
	}
	if got, want := archives["crank-cap"], "crank-cap_1.2.3_linux_amd64.tar.gz"; got != want {
		t.Errorf("decision server archive %q, want %q", got, want)
	}
	if got, want := render(t, c.Checksum.NameTemplate, fields), "terraform-provider-crank_1.2.3_SHA256SUMS"; got != want || c.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum file %q (%s), want %q (sha256)", got, c.Checksum.Algorithm, want)
	}
	if len(c.Signs) == 0 || c.Signs[0].Artifacts != "checksum" {
		t.Error("the SHA256SUMS file must be signed (the registry verifies SHA256SUMS.sig)")
	}
	for _, b := range c.Builds {
		switch b.ID {
		case "provider":
			if got := render(t, b.Binary, map[string]string{"ProjectName": c.ProjectName, "Version": "1.2.3"}); got != "terraform-provider-crank_v1.2.3" {
				t.Errorf("provider binary %q, want terraform-provider-crank_v1.2.3", got)
			}
		case "crank-gate":
			if !contains(b.Env, "GOEXPERIMENT=jsonv2") {
				t.Error("the released gate must be built with GOEXPERIMENT=jsonv2 (Trivy)")
			}
		}
	}
	for _, f := range []string{"action.yml", "ci/gitlab/crank-gate.gitlab-ci.yml"} {
		src, err := os.ReadFile(filepath.Join(repoRoot(), f))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`archive="crank-gate_${version}_`, `sums="terraform-provider-crank_${version}_SHA256SUMS"`} {
			if !strings.Contains(string(src), want) {
				t.Errorf("%s does not build names as %s", f, want)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestGoreleaserCheck runs goreleaser's own validation of .goreleaser.yml
// (the version .ci/run installs into $HOME/.cache/crank-ci/bin).
func TestGoreleaserCheck(t *testing.T) {
	bin := os.Getenv("CRANK_GORELEASER")
	if bin == "" {
		home, _ := os.UserHomeDir()
		bin = filepath.Join(home, ".cache/crank-ci/bin/goreleaser-"+goreleaserVersion)
	}
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("goreleaser %s not found at %s and CI is set: .ci/run installs it", goreleaserVersion, bin)
		}
		t.Skipf("goreleaser not installed at %s: go install github.com/goreleaser/goreleaser/v2@%s", bin, goreleaserVersion)
	}
	cmd := exec.Command(bin, "check")
	cmd.Dir = repoRoot()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("goreleaser check: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "config is valid") && !strings.Contains(string(out), "1 configuration file(s) validated") {
		t.Errorf("unexpected goreleaser check output:\n%s", out)
	}
}
