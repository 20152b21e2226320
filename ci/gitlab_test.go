package ci_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/crank-platform/terraform-provider-crank/gate/report/sariftest"
)

type gitlabJob struct {
	Extends   string            `yaml:"extends"`
	Image     string            `yaml:"image"`
	Variables map[string]string `yaml:"variables"`
	Script    []string          `yaml:"script"`
	Artifacts struct {
		When    string            `yaml:"when"`
		Reports map[string]string `yaml:"reports"`
		Paths   []string          `yaml:"paths"`
	} `yaml:"artifacts"`
}

func loadGitLabTemplate(t *testing.T) map[string]gitlabJob {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(), "ci/gitlab/crank-gate.gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var jobs map[string]gitlabJob
	if err := yaml.Unmarshal(data, &jobs); err != nil {
		t.Fatalf("crank-gate.gitlab-ci.yml: %v", err)
	}
	return jobs
}

// TestGitLabTemplateCodeQuality runs the template's script as GitLab's
// runner would (one bash script from the script: lines, the job's variables
// in the environment, CI_PROJECT_DIR as the working directory) against
// examples/gate, installing the gate from a release served on loopback, and
// checks the Code Quality report against GitLab's documented format and the
// SARIF with Microsoft's validator.
func TestGitLabTemplateCodeQuality(t *testing.T) {
	jobs := loadGitLabTemplate(t)
	tmpl, ok := jobs[".crank-gate"]
	if !ok || jobs["crank-gate"].Extends != ".crank-gate" {
		t.Fatal("want a hidden .crank-gate job and a crank-gate job extending it")
	}
	cq := tmpl.Artifacts.Reports["codequality"]
	if cq == "" || tmpl.Artifacts.When != "always" {
		t.Fatalf("artifacts: want reports.codequality, uploaded when: always; got %+v", tmpl.Artifacts)
	}
	sarifName := ""
	for _, p := range tmpl.Artifacts.Paths {
		if strings.HasSuffix(p, ".sarif") {
			sarifName = p
		}
	}
	if sarifName == "" {
		t.Fatal("artifacts.paths has no SARIF file")
	}

	ws := sampleWorkspace(t)
	base, ca := release(t, "1.2.3", nil)
	vars := map[string]string{}
	for k, v := range tmpl.Variables {
		vars[k] = v
	}
	vars["CRANK_GATE_VERSION"] = "1.2.3"
	vars["CRANK_GATE_RELEASE_URL"] = base
	vars["CRANK_GATE_ARGS"] = "--offline"
	env := append(os.Environ(), "CI=true", "GITLAB_CI=true", "CI_PROJECT_DIR="+ws, "CURL_CA_BUNDLE="+ca)
	for k, v := range vars {
		// GitLab expands $VAR references in variables; the template uses only $CI_PROJECT_DIR.
		env = append(env, k+"="+strings.ReplaceAll(v, "$CI_PROJECT_DIR", ws))
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-c", strings.Join(tmpl.Script, "\n"))
	cmd.Dir = ws
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Fatalf("want the job to fail with 1 on the sample's fixable HIGH CVE, got %v\n%s", err, out)
	}

	report, err := os.ReadFile(filepath.Join(ws, cq))
	if err != nil {
		t.Fatal(err)
	}
	issues := checkCodeQuality(t, report)
	found := false
	for _, is := range issues {
		found = found || (is.CheckName == "CVE-2099-1001" && is.Location.Path == "Dockerfile")
	}
	if !found {
		t.Errorf("code quality report lacks CVE-2099-1001 at the image's Dockerfile:\n%s", report)
	}
	if bin := sariftest.Validator(t); bin != "" {
		sariftest.Validate(t, bin, filepath.Join(ws, sarifName))
	}
}

// TestGitLabTemplateNeedsVersion: without CRANK_GATE_VERSION the job stops
// before downloading anything, saying what to set.
func TestGitLabTemplateNeedsVersion(t *testing.T) {
	jobs := loadGitLabTemplate(t)
	ws := t.TempDir()
	cmd := exec.Command("bash", "--noprofile", "--norc", "-c", strings.Join(jobs[".crank-gate"].Script, "\n"))
	cmd.Dir = ws
	cmd.Env = append(os.Environ(), "CI_PROJECT_DIR="+ws, "CRANK_GATE_VERSION=", "CRANK_GATE_RELEASE_URL=https://127.0.0.1:1", "CRANK_GATE_POLICY=crank-gate.yaml", "CRANK_GATE_ARGS=")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "set it to a crank-gate release version") {
		t.Fatalf("want exit 2 asking for CRANK_GATE_VERSION, got %v\n%s", err, out)
	}
}

// codeQualityIssue is one entry of GitLab's Code Quality report, with the
// fields GitLab documents as required
// (https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format).
type codeQualityIssue struct {
	Description string `json:"description"`
	CheckName   string `json:"check_name"`
	Fingerprint string `json:"fingerprint"`
	Severity    string `json:"severity"`
	Location    struct {
		Path  string `json:"path"`
		Lines *struct {
			Begin *int `json:"begin"`
		} `json:"lines"`
		Positions *struct {
			Begin *struct {
				Line *int `json:"line"`
			} `json:"begin"`
		} `json:"positions"`
	} `json:"location"`
}

// checkCodeQuality checks a report strictly against GitLab's documented
// format: a JSON array of objects, each with a non-empty description and
// check_name, a fingerprint unique in the report (GitLab shows only the
// first of duplicates), a severity from info|minor|major|critical|blocker,
// location.path relative to the repository (no leading "/" or "./"), and
// the line as location.lines.begin or location.positions.begin.line (>= 1).
func checkCodeQuality(t *testing.T, data []byte) []codeQualityIssue {
	t.Helper()
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("code quality report is not a JSON array of objects: %v", err)
	}
	var issues []codeQualityIssue
	if err := json.Unmarshal(data, &issues); err != nil {
		t.Fatalf("code quality report: %v", err)
	}
	if len(issues) == 0 {
		t.Fatal("code quality report is empty")
	}
	severities := map[string]bool{"info": true, "minor": true, "major": true, "critical": true, "blocker": true}
	seen := map[string]int{}
	fail := func(i int, format string, a ...any) {
		t.Errorf("issue %d: %s", i, fmt.Sprintf(format, a...))
	}
	for i, is := range issues {
		for _, k := range []string{"description", "check_name", "fingerprint", "severity", "location"} {
			if _, ok := raw[i][k]; !ok {
				fail(i, "missing %s", k)
			}
		}
		if strings.TrimSpace(is.Description) == "" {
			fail(i, "empty description")
		}
		if strings.TrimSpace(is.CheckName) == "" {
			fail(i, "empty check_name")
		}
		if is.Fingerprint == "" {
			fail(i, "empty fingerprint")
		} else if j, dup := seen[is.Fingerprint]; dup {
			fail(i, "fingerprint %s repeats issue %d", is.Fingerprint, j)
		}
		seen[is.Fingerprint] = i
		if !severities[is.Severity] {
			fail(i, "severity %q is not one of info, minor, major, critical, blocker", is.Severity)
		}
		p := is.Location.Path
		if p == "" || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "./") || strings.Contains(p, `\`) || regexp.MustCompile(`^[a-z]+:`).MatchString(p) {
			fail(i, "location.path %q must be a relative repository path without a leading ./", p)
		}
		line := 0
		switch {
		case is.Location.Lines != nil && is.Location.Lines.Begin != nil:
			line = *is.Location.Lines.Begin
		case is.Location.Positions != nil && is.Location.Positions.Begin != nil && is.Location.Positions.Begin.Line != nil:
			line = *is.Location.Positions.Begin.Line
		default:
			fail(i, "no location.lines.begin or location.positions.begin.line")
			continue
		}
		if line < 1 {
			fail(i, "line %d, want >= 1", line)
		}
	}
	return issues
}
