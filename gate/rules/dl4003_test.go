package rules

import "testing"

func TestDL4003(t *testing.T) {
	runCases(t, DL4003, []Case{
		{Name: "two", Dockerfile: "FROM alpine:3\nCMD a\nCMD b\n", Fire: true, Lines: []int{3}},
		{Name: "three", Dockerfile: "FROM alpine:3\nCMD a\nRUN x\nCMD [\"b\"]\nCMD c\n", Fire: true, Lines: []int{4, 5}},
		{Name: "one", Dockerfile: "FROM alpine:3\nCMD a\n"},
		{Name: "one per stage", Dockerfile: "FROM alpine:3 AS a\nCMD a\nFROM a\nCMD b\n"},
		{Name: "stage not built", Dockerfile: "FROM alpine:3 AS x\nCMD a\nCMD b\nFROM alpine:3\n"},
		{Name: "ONBUILD CMD", Dockerfile: "FROM alpine:3\nCMD a\nONBUILD CMD b\n"},
	})
}
