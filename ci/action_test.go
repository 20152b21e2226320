package ci_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/crank-platform/terraform-provider-crank/gate/report/sariftest"
)

// action is the part of action.yml a composite run needs.
type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			ID    string            `yaml:"id"`
			Name  string            `yaml:"name"`
			If    string            `yaml:"if"`
			Uses  string            `yaml:"uses"`
			Shell string            `yaml:"shell"`
			Env   map[string]string `yaml:"env"`
			Run   string            `yaml:"run"`
			With  map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

func loadAction(t *testing.T) action {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("action.yml runs.using = %q, want composite", a.Runs.Using)
	}
	return a
}

// actionRun is the outcome of running the action's run: steps in order.
type actionRun struct {
	failedStep string // name of the step that exited non-zero, "" if none
	exitCode   int
	log        string
	runnerTemp string
	outputs    map[string]map[string]string // step id -> outputs
	expand     func(string) string
}

var expr = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// runAction runs every run: step of action.yml as GitHub's runner does
// (bash --noprofile --norc -eo pipefail FILE, with the step's env,
// GITHUB_OUTPUT, GITHUB_PATH and RUNNER_* set) in workspace, stopping at the
// first failing step. uses: steps are not run (actions/setup-go is Go on
// PATH here; upload-sarif is checked by the caller through expand).
// Expressions may only be inputs.X, github.action_path and
// steps.ID.outputs.X: anything else would be untested behaviour.
func runAction(t *testing.T, workspace string, inputs map[string]string, extraEnv ...string) actionRun {
	t.Helper()
	a := loadAction(t)
	runner := t.TempDir()
	pathFile := filepath.Join(runner, "path")
	summary := filepath.Join(runner, "summary.md")
	res := actionRun{outputs: map[string]map[string]string{}, runnerTemp: runner}
	values := map[string]string{}
	for k, v := range a.Inputs {
		values[k] = v.Default
	}
	for k, v := range inputs {
		if _, ok := a.Inputs[k]; !ok {
			t.Fatalf("input %q is not declared in action.yml", k)
		}
		values[k] = v
	}
	res.expand = func(s string) string {
		return expr.ReplaceAllStringFunc(s, func(m string) string {
			e := expr.FindStringSubmatch(m)[1]
			switch {
			case e == "github.action_path":
				return repoRoot()
			case strings.HasPrefix(e, "inputs."):
				v, ok := values[strings.TrimPrefix(e, "inputs.")]
				if !ok {
					t.Fatalf("action.yml uses undeclared %s", e)
				}
				return v
			case strings.HasPrefix(e, "steps."):
				parts := strings.Split(e, ".")
				if len(parts) != 4 || parts[2] != "outputs" {
					t.Fatalf("unsupported expression %q", e)
				}
				return res.outputs[parts[1]][parts[3]]
			}
			t.Fatalf("action.yml: expression %q is not one this test evaluates", e)
			return ""
		})
	}
	arch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	for i, s := range a.Runs.Steps {
		if s.Run == "" {
			continue
		}
		if strings.Contains(s.Run, "${{") {
			t.Fatalf("step %q: ${{ }} inside run: is substituted into the script before bash sees it (script injection); pass it through env:", s.Name)
		}
		if s.If != "" {
			t.Fatalf("step %q: this test does not evaluate if: on run steps; branch inside the script", s.Name)
		}
		if s.Shell != "bash" {
			t.Fatalf("step %q: shell %q, want bash", s.Name, s.Shell)
		}
		script := filepath.Join(runner, "step.sh")
		if err := os.WriteFile(script, []byte(s.Run), 0o644); err != nil {
			t.Fatal(err)
		}
		outFile := filepath.Join(runner, "output-"+s.ID+"-"+string(rune('a'+i)))
		if err := os.WriteFile(outFile, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		env := append(os.Environ(),
			"GITHUB_ACTIONS=true", "GITHUB_WORKSPACE="+workspace, "GITHUB_OUTPUT="+outFile, "GITHUB_PATH="+pathFile,
			"GITHUB_STEP_SUMMARY="+summary, "RUNNER_OS=Linux", "RUNNER_ARCH="+arch, "RUNNER_TEMP="+runner,
			"PATH="+prependedPath(t, pathFile))
		env = append(env, extraEnv...)
		for k, v := range s.Env {
			env = append(env, k+"="+res.expand(v))
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = workspace
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		res.log += "## " + s.Name + "\n" + string(out)
		if s.ID != "" {
			res.outputs[s.ID] = readOutputs(t, outFile)
		}
		if err != nil {
			ee, ok := err.(*exec.ExitError)
			if !ok {
				t.Fatal(err)
			}
			res.failedStep, res.exitCode = s.Name, ee.ExitCode()
			return res
		}
	}
	return res
}

// prependedPath is PATH with the directories earlier steps added through
// GITHUB_PATH in front, newest first, as the runner does.
func prependedPath(t *testing.T, pathFile string) string {
	data, err := os.ReadFile(pathFile)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	dirs := strings.Fields(string(data))
	p := os.Getenv("PATH")
	for _, d := range dirs {
		p = d + string(os.PathListSeparator) + p
	}
	return p
}

func readOutputs(t *testing.T, file string) map[string]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	outs := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			t.Fatalf("GITHUB_OUTPUT line %q: want key=value", sc.Text())
		}
		outs[k] = v
	}
	return outs
}

// uploadStep is the code scanning upload, which the test checks by what it
// would upload rather than by running it.
func uploadStep(t *testing.T) (with map[string]string, cond string) {
	t.Helper()
	for _, s := range loadAction(t).Runs.Steps {
		if strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@") {
			return s.With, s.If
		}
	}
	t.Fatal("action.yml has no github/codeql-action/upload-sarif step")
	return nil, ""
}

// TestActionFromSourceWritesValidSARIF builds the gate from this checkout as
// the action's default does, runs `crank-gate check` on examples/gate, and
// checks the verdict step fails on the sample's fixable HIGH CVE while the
// SARIF the upload step would send is there and valid.
func TestActionFromSourceWritesValidSARIF(t *testing.T) {
	ws := sampleWorkspace(t)
	res := runAction(t, ws, map[string]string{"args": "--offline"})
	if res.failedStep != "Verdict" || res.exitCode != 1 {
		t.Fatalf("want the Verdict step to fail with 1 (the sample's CVE), got step %q exit %d\n%s", res.failedStep, res.exitCode, res.log)
	}
	if got := res.outputs["check"]["exit-code"]; got != "1" {
		t.Errorf("check exit-code output %q, want 1", got)
	}
	if !strings.Contains(res.log, "crank-gate source-") {
		t.Errorf("install step did not build from source:\n%s", res.log)
	}
	with, cond := uploadStep(t)
	if !strings.Contains(cond, "steps.check.outputs.sarif-file != ''") {
		t.Errorf("upload-sarif if: %q should skip when no SARIF was written", cond)
	}
	sarif := res.expand(with["sarif_file"])
	if !filepath.IsAbs(sarif) || filepath.Dir(sarif) != ws {
		t.Fatalf("upload-sarif sarif_file %q, want the absolute SARIF path in the workspace", sarif)
	}
	data, err := os.ReadFile(sarif)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Name string } `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range log.Runs {
		for _, res := range r.Results {
			found = found || (r.Tool.Driver.Name == "trivy" && res.RuleID == "CVE-2099-1001")
		}
	}
	if !found {
		t.Errorf("SARIF has no trivy result for CVE-2099-1001:\n%s", data)
	}
	if bin := sariftest.Validator(t); bin != "" {
		sariftest.Validate(t, bin, sarif)
	}
	if res.expand(with["category"]) != "crank-gate" {
		t.Errorf("upload category %q", res.expand(with["category"]))
	}
}

// TestActionInstallsReleaseReportOnly installs crank-gate the way a pinned
// version does (archive and SHA256SUMS over HTTPS, checksum verified), and
// with fail-on-findings: false the findings become a warning, not a failure.
func TestActionInstallsReleaseReportOnly(t *testing.T) {
	ws := sampleWorkspace(t)
	base, ca := release(t, "1.2.3", nil)
	res := runAction(t, ws, map[string]string{"version": "v1.2.3", "release-url": base, "fail-on-findings": "false", "args": "--offline"}, "CURL_CA_BUNDLE="+ca)
	if res.failedStep != "" {
		t.Fatalf("step %q failed with %d\n%s", res.failedStep, res.exitCode, res.log)
	}
	if res.outputs["check"]["exit-code"] != "1" || !strings.Contains(res.log, "::warning::crank-gate check found findings") {
		t.Errorf("want exit-code 1 reported as a warning\n%s", res.log)
	}
	if res.outputs["check"]["sarif-file"] == "" {
		t.Error("no SARIF output")
	}
}

// TestActionRejectsTamperedRelease: an archive whose SHA-256 does not match
// the release's SHA256SUMS, or that is not listed there, is never unpacked.
func TestActionRejectsTamperedRelease(t *testing.T) {
	for name, tamper := range map[string]func(string) string{
		"mismatch": func(s string) string {
			return regexp.MustCompile(`(?m)^[0-9a-f]{64}(  crank-gate_)`).ReplaceAllString(s, strings.Repeat("0", 64)+"$1")
		},
		"unlisted": func(s string) string { return regexp.MustCompile(`(?m)^.*crank-gate_.*\n`).ReplaceAllString(s, "") },
	} {
		t.Run(name, func(t *testing.T) {
			ws := t.TempDir()
			base, ca := release(t, "1.2.3", tamper)
			res := runAction(t, ws, map[string]string{"version": "1.2.3", "release-url": base}, "CURL_CA_BUNDLE="+ca)
			if res.failedStep != "Install crank-gate" || res.exitCode != 2 {
				t.Fatalf("want the install step to fail with 2, got %q %d\n%s", res.failedStep, res.exitCode, res.log)
			}
			want := map[string]string{"mismatch": "does not match its SHA-256", "unlisted": "is not listed"}[name]
			if !strings.Contains(res.log, want) {
				t.Errorf("log lacks %q:\n%s", want, res.log)
			}
			if _, err := os.Stat(filepath.Join(res.runnerTemp, "crank-gate-bin", "crank-gate")); err == nil {
				t.Error("the unverified archive was unpacked")
			}
		})
	}
}

// TestActionBrokenRunFailsEvenReportOnly: a run that could not decide (a
// policy that does not exist: exit 2) fails even with fail-on-findings:
// false, and hands no SARIF to the upload step: its SARIF says the run
// failed and holds no results, so uploading it would close open alerts.
func TestActionBrokenRunFailsEvenReportOnly(t *testing.T) {
	ws := t.TempDir()
	base, ca := release(t, "1.2.3", nil)
	res := runAction(t, ws, map[string]string{"version": "1.2.3", "release-url": base, "fail-on-findings": "false", "policy": "missing.yaml"}, "CURL_CA_BUNDLE="+ca)
	if res.failedStep != "Verdict" || res.exitCode != 2 {
		t.Fatalf("want the Verdict step to fail with 2, got %q %d\n%s", res.failedStep, res.exitCode, res.log)
	}
	if res.outputs["check"]["sarif-file"] != "" {
		t.Errorf("sarif-file output %q for a run that did not decide", res.outputs["check"]["sarif-file"])
	}
}
