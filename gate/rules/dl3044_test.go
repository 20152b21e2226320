package rules

import "testing"

func TestDL3044(t *testing.T) {
	cases := []Case{
		{Name: "later pair", Dockerfile: "FROM alpine:3\nENV A=1 B=$A\n", Fire: true, Lines: []int{2}},
		{Name: "braces and default", Dockerfile: "FROM alpine:3\nENV A=1 \\\n    B=${A:-x}/y\n", Fire: true, Lines: []int{2}},
		{Name: "defined earlier too", Dockerfile: "FROM alpine:3\nENV A=0\nENV A=1 B=$A\n", Fire: true, Lines: []int{3}},
		{Name: "in a build stage", Dockerfile: "FROM alpine:3 AS x\nENV A=1 B=$A\nFROM scratch\n", Fire: true},
		{Name: "separate ENVs", Dockerfile: "FROM alpine:3\nENV A=1\nENV B=$A\n"},
		{Name: "self extension", Dockerfile: "FROM alpine:3\nENV PATH=/opt/bin:$PATH\n"},
		{Name: "earlier pair refers to later", Dockerfile: "FROM alpine:3\nENV B=$A A=1\n"},
		{Name: "single-quoted", Dockerfile: "FROM alpine:3\nENV A=1 B='$A'\n"},
		{Name: "escaped", Dockerfile: "FROM alpine:3\nENV A=1 B=\\$A\n"},
		{Name: "legacy form", Dockerfile: "FROM alpine:3\nENV A $A:1\n"},
		{Name: "ARG reference", Dockerfile: "FROM alpine:3\nARG V=1\nENV A=1 B=$V\n"},
		{Name: "defined earlier under compat", Dockerfile: "FROM alpine:3\nENV A=0\nENV A=1 B=$A\n", Config: compat},
		{Name: "earlier pair refers to later under compat", Dockerfile: "FROM alpine:3\nENV B=$A A=1\n", Fire: true, Config: compat},
		{Name: "multi-stage second stage", Dockerfile: "FROM alpine:3 AS a\nENV X=1\nFROM alpine:3\nENV Y=2 Z=${Y}\n", Fire: true, Lines: []int{4}},
	}
	// Ported from hadolint's DL3044Spec.
	for _, c := range []struct {
		fire bool
		src  string
	}{
		{false, "ENV BLA=\"blubb\"\nENV BLUBB=\"${BLA}/blubb\""},
		{false, "ENV BLA=\"blubb\" BLUBB=\"${FOOBLA}/blubb\""},
		{false, "ENV BLA=\"blubb\" BLUBB=\"${BLAFOO}/blubb\""},
		{false, "ENV BLA=\"blubb\" BLUBB=\"$FOOBLA/blubb\""},
		{false, "ENV BLA=\"blubb\" BLUBB=\"$BLAFOO/blubb\""},
		{true, "ENV BLA=\"blubb\" BLUBB=\"$BLA/$BLAFOO/blubb\""},
		{false, "ENV BLA=\"blubb\" BLUBB=\"BLA/$BLAFOO/BLA\""},
		{false, "ARG BLA\nENV BLA=${BLA}"},
		{false, "ENV BLA blubb\nENV BLA=${BLA}"},
		{false, "ENV PATH=/bla:${PATH}"},
		{false, "ENV PATH=/bla:${PATH}\nENV PATH=/blubb:${PATH}"},
		{true, "ENV PATH=/bla:${PATH} PATH=/blubb:${PATH}"},
		{true, "ENV BLA=\"blubb\" BLUBB=\"${BLA}/blubb\""},
		{true, "ENV BLA=\"blubb\" BLUBB=\"$BLA/blubb\""},
		{true, "ENV BLA=\"blubb\" BLUBB=\"$BLA\""},
		{true, "ENV BLA=\"blubb\" BLUBB=\"${BLA}\""},
	} {
		cases = append(cases, hadolintCases(c.fire, c.src)...)
	}
	runCases(t, DL3044, cases)
}
