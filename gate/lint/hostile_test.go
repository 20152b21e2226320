package lint

import (
	"errors"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/rules"
)

// TestCheckDirectiveAfterFirstLine is the BuildKit nil-linter panic of
// issue 17: a "# check=" comment above a later instruction.
func TestCheckDirectiveAfterFirstLine(t *testing.T) {
	for _, src := range []string{
		"FROM scratch\n# check=skip=JSONArgsRecommended\nCMD x\n",
		"FROM scratch\n# check=error=true\nRUN x\n",
		"# syntax=docker/dockerfile:1\nFROM scratch AS a\n# check=skip=all\nARG A\n# check=experimental=all\nFROM a\n",
	} {
		res, errs := Lint([]Input{{Path: "Dockerfile", Data: []byte(src)}}, Options{})
		if len(errs) != 0 || res == nil || res.Files != 1 {
			t.Errorf("%q: res=%+v errs=%v", src, res, errs)
		}
	}
}

// TestNULInRun is reported once, as a finding of that file.
func TestNULInRun(t *testing.T) {
	res, errs := Lint([]Input{{Path: "svc/Dockerfile", Data: []byte("FROM debian:12\nRUN echo a\x00b\n")}}, Options{})
	if res == nil {
		t.Fatalf("errs = %v", errs)
	}
	var nul []findings.Finding
	for _, f := range res.Findings {
		if strings.Contains(strings.ToLower(f.Message), "nul") {
			nul = append(nul, f)
		}
	}
	for _, e := range errs {
		if strings.Contains(strings.ToLower(e.Error()), "nul") {
			t.Errorf("NUL also reported as an error: %v", e)
		}
	}
	if len(nul) != 1 || nul[0].Path != "svc/Dockerfile" || nul[0].Line != 2 {
		t.Errorf("NUL findings = %+v (all: %+v)", nul, res.Findings)
	}
}

// TestPanicInARuleIsAFileError: a rule that panics fails its file with
// the file's name and the rest of the run goes on.
func TestPanicInARuleIsAFileError(t *testing.T) {
	boom := rules.Rule{ID: "XX9999", Name: "boom", Severity: rules.Error, Summary: "panics", Check: func(*rules.Context) { panic("boom") }}
	cat := append(rules.All(), boom)
	inputs := []Input{{Path: "a/Dockerfile", Data: []byte("FROM debian:12\n")}, {Path: "b/Dockerfile", Data: []byte("FROM debian:12\n")}}
	res, errs := Lint(inputs, Options{Catalogue: cat, Only: []string{"XX9999", "DL3006"}})
	if res == nil || len(errs) != 2 {
		t.Fatalf("res=%v errs=%v", res, errs)
	}
	for i, e := range errs {
		var fe *FileError
		if !asFileError(e, &fe) || fe.Path != inputs[i].Path || !strings.Contains(e.Error(), "boom") || !strings.Contains(e.Error(), inputs[i].Path) {
			t.Errorf("err %d = %v", i, e)
		}
	}
}

func asFileError(err error, fe **FileError) bool { return errors.As(err, fe) }
