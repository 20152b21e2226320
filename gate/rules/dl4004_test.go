package rules

import "testing"

func TestDL4004(t *testing.T) {
	runCases(t, DL4004, []Case{
		{Name: "two", Dockerfile: "FROM alpine:3\nENTRYPOINT a\nENTRYPOINT [\"b\"]\n", Fire: true, Lines: []int{3}},
		{Name: "in a used build stage", Dockerfile: "FROM alpine:3 AS b\nENTRYPOINT a\nENTRYPOINT b\nFROM b\n", Fire: true, Lines: []int{3}},
		{Name: "stage not built", Dockerfile: "FROM alpine:3 AS x\nENTRYPOINT a\nENTRYPOINT b\nFROM alpine:3\n", Fire: true},
		{Name: "continuation", Dockerfile: "FROM alpine:3\nENTRYPOINT [\"a\", \\\n  \"b\"]\nENTRYPOINT c || d\n", Fire: true, Lines: []int{4}},
		{Name: "lower-case", Dockerfile: "FROM alpine:3\nentrypoint a\nentrypoint b\n", Fire: true},
		{Name: "one", Dockerfile: "FROM alpine:3\nENTRYPOINT [\"a\"]\nCMD [\"b\"]\n"},
		{Name: "one per stage", Dockerfile: "FROM alpine:3 AS a\nENTRYPOINT a\nFROM a\nENTRYPOINT b\n"},
		{Name: "ONBUILD ENTRYPOINT", Dockerfile: "FROM alpine:3\nENTRYPOINT a\nONBUILD ENTRYPOINT b\n"},
		{Name: "text in RUN", Dockerfile: "FROM alpine:3\nRUN echo ENTRYPOINT; echo ENTRYPOINT\nENTRYPOINT z\n"},
		// Ported from hadolint's DL4004Spec.
		{Name: "hadolint: no cmd", Dockerfile: "FROM busybox\n", Hadolint: true},
		{Name: "hadolint: many entrypoints", Dockerfile: "FROM debian\nENTRYPOINT bash\nRUN foo\nENTRYPOINT another\n", Fire: true, Hadolint: true},
		{Name: "hadolint: single entrypoint, different stages", Dockerfile: "FROM debian as distro1\nENTRYPOINT bash\nRUN foo\nFROM debian as distro2\nENTRYPOINT another\n", Hadolint: true},
		{Name: "hadolint: many entrypoints, different stages", Dockerfile: "FROM debian as distro1\nENTRYPOINT bash\nRUN foo\nENTRYPOINT another\nFROM debian as distro2\nENTRYPOINT another\n", Fire: true, Hadolint: true},
		{Name: "hadolint: single entry", Dockerfile: "FROM debian\nENTRYPOINT /bin/true\n", Hadolint: true},
	})
}
