package rules

import "testing"

func TestDL4003(t *testing.T) {
	runCases(t, DL4003, []Case{
		{Name: "two", Dockerfile: "FROM alpine:3\nCMD a\nCMD b\n", Fire: true, Lines: []int{3}},
		{Name: "three", Dockerfile: "FROM alpine:3\nCMD a\nRUN x\nCMD [\"b\"]\nCMD c\n", Fire: true, Lines: []int{4, 5}},
		{Name: "stage not built", Dockerfile: "FROM alpine:3 AS x\nCMD a\nCMD b\nFROM alpine:3\n", Fire: true, Lines: []int{3}},
		{Name: "exec and shell form, continuation", Dockerfile: "FROM alpine:3\nCMD [\"a\", \\\n  \"b\"]\nCMD c && d\n", Fire: true, Lines: []int{4}},
		{Name: "lower-case", Dockerfile: "FROM alpine:3\ncmd a\ncmd b\n", Fire: true},
		{Name: "one", Dockerfile: "FROM alpine:3\nCMD a\n"},
		{Name: "one per stage", Dockerfile: "FROM alpine:3 AS a\nCMD a\nFROM a\nCMD b\n"},
		{Name: "ONBUILD CMD", Dockerfile: "FROM alpine:3\nCMD a\nONBUILD CMD b\n"},
		{Name: "CMD and ENTRYPOINT", Dockerfile: "FROM alpine:3\nENTRYPOINT [\"a\"]\nCMD [\"b\"]\n"},
		{Name: "CMD in RUN text", Dockerfile: "FROM alpine:3\nRUN echo CMD x; echo CMD y\nCMD z\n"},
		// Ported from hadolint's DL4003Spec.
		{Name: "hadolint: many cmds", Dockerfile: "FROM debian\nCMD bash\nRUN foo\nCMD another\n", Fire: true, Hadolint: true},
		{Name: "hadolint: single cmds, different stages", Dockerfile: "FROM debian as distro1\nCMD bash\nRUN foo\nFROM debian as distro2\nCMD another\n", Hadolint: true},
		{Name: "hadolint: many cmds, different stages", Dockerfile: "FROM debian as distro1\nCMD bash\nRUN foo\nCMD another\nFROM debian as distro2\nCMD another\n", Fire: true, Hadolint: true},
		{Name: "hadolint: single cmd", Dockerfile: "FROM debian\nCMD /bin/true\n", Hadolint: true},
	})
}
