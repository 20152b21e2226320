package lint

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// These inputs must end with a clear result or a clear error; the tests
// assert the outcome, never the time (bounded time is what the limits and
// linear algorithms guarantee, and the benchmark measures it).

func lintBig(t *testing.T, src string, lim dockerfile.Limits) (*Result, error) {
	t.Helper()
	res, errs := Lint([]Input{{Path: "big.Dockerfile", Data: []byte(src)}}, Options{Limits: lim})
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return res, nil
}

func TestTenMegabyteFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	var many strings.Builder
	many.WriteString("FROM debian:12\n")
	for many.Len() < 10<<20 {
		many.WriteString("RUN echo hello | tr a-z A-Z\n")
	}
	_, err := lintBig(t, many.String(), dockerfile.Limits{})
	var le *dockerfile.LimitError
	if !errors.As(err, &le) || le.What != "number of instructions" {
		t.Errorf("10 MB of RUN lines: want an instruction-limit error, got %v", err)
	}

	var one strings.Builder
	one.WriteString("FROM debian:12\nRUN true")
	for one.Len() < 10<<20 {
		one.WriteString(" && \\\n  echo $(printf '%s' x) | cat")
	}
	one.WriteString("\n")
	res, err := lintBig(t, one.String(), dockerfile.Limits{})
	if err != nil || res.Files != 1 {
		t.Errorf("one 10 MB RUN: %v", err)
	}

	_, err = lintBig(t, strings.Repeat("#", 17<<20), dockerfile.Limits{})
	if !errors.As(err, &le) || le.What != "file size in bytes" {
		t.Errorf("17 MB: want a size-limit error, got %v", err)
	}
}

func TestTenThousandStages(t *testing.T) {
	var b strings.Builder
	b.WriteString("FROM debian:12 AS s0\n")
	for i := 1; i < 10000; i++ {
		fmt.Fprintf(&b, "FROM s%d AS s%d\nENV V%d=%d\nCOPY --from=s%d /a /a\n", i-1, i, i, i, max(0, i-2))
	}
	_, err := lintBig(t, b.String(), dockerfile.Limits{})
	var le *dockerfile.LimitError
	if !errors.As(err, &le) || le.What != "number of stages" || !strings.Contains(err.Error(), "MaxStages") {
		t.Errorf("want a stage-limit error naming the limit, got %v", err)
	}
	res, err := lintBig(t, b.String(), dockerfile.Limits{MaxStages: 10000})
	if err != nil || res.Files != 1 {
		t.Errorf("10,000 stages with raised limit: %v", err)
	}
}

func TestDeeplyNestedShell(t *testing.T) {
	var hd strings.Builder
	hd.WriteString("FROM debian:12\nRUN bash <<E0\n")
	for i := 1; i < 2000; i++ {
		fmt.Fprintf(&hd, "bash <<E%d\n", i)
	}
	for i := 1999; i >= 1; i-- {
		fmt.Fprintf(&hd, "curl https://x | sh\nE%d\n", i)
	}
	hd.WriteString("E0\n")
	if res, err := lintBig(t, hd.String(), dockerfile.Limits{}); err != nil || res.Files != 1 {
		t.Errorf("nested heredocs: %v", err)
	}
	deep := "FROM debian:12\nRUN echo " + strings.Repeat("$(", 10000) + strings.Repeat(")", 10000) + "\n"
	if res, err := lintBig(t, deep, dockerfile.Limits{}); err != nil || res.Files != 1 {
		t.Errorf("deep substitutions: %v", err)
	}
	f, err := dockerfile.Parse([]byte(deep), dockerfile.Options{})
	if err != nil || f.Stages[0].Instructions[0].Scripts[0].Skipped == "" {
		t.Errorf("a too-deep script must be marked Skipped")
	}
}
