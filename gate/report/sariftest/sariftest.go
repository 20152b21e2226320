// Package sariftest runs Microsoft's SARIF validator (sarif-multitool, the
// one GitHub code scanning's rules come from) over SARIF files in tests.
package sariftest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Validator returns the validator to run: $CRANK_SARIF_VALIDATOR, else
// sarif-multitool on PATH. It returns "" when there is none, and fails the
// test instead under CI, where SARIF that code scanning rejects must never
// pass unchecked.
func Validator(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("CRANK_SARIF_VALIDATOR")
	if bin == "" {
		bin, _ = exec.LookPath("sarif-multitool")
	}
	if bin == "" && os.Getenv("CI") != "" {
		t.Fatal("sarif-multitool not found and CI is set: npm install -g @microsoft/sarif-multitool@5.7.0, or set CRANK_SARIF_VALIDATOR")
	}
	return bin
}

// Validate runs bin over file and fails the test on every error or warning
// it reports. Notes ("provide code snippets", "URI not reachable" on this
// offline machine) are advice, not faults, and are not asked for.
func Validate(t testing.TB, bin, file string) {
	t.Helper()
	out := file + ".validation.sarif"
	// The npm wrapper runs the tool through a shell, hence the quotes
	// around the semicolon list.
	cmd := exec.Command(bin, "validate", "--level", `"Error;Warning"`, "--kind", `"Fail"`, "-o", out, file)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sarif-multitool validate %s: %v\n%s", filepath.Base(file), err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("validator output is not SARIF: %v", err)
	}
	for _, r := range log.Runs {
		if len(r.Results) > 0 {
			t.Errorf("%s: sarif-multitool reported problems:\n%s", filepath.Base(file), data)
			return
		}
	}
}
