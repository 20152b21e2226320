package lint

import (
	"os"
	"testing"
)

// TestOwnDockerfileIsClean lints gate/Dockerfile with the whole catalogue:
// the gate's own image must pass its own gate with zero findings.
func TestOwnDockerfileIsClean(t *testing.T) {
	data, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	res, errs := Lint([]Input{{Path: "gate/Dockerfile", Data: data}}, Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, f := range res.Findings {
		t.Errorf("%s:%d %s %s", f.Path, f.Line, f.RuleID, f.Message)
	}
}
