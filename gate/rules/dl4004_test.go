package rules

import "testing"

func TestDL4004(t *testing.T) {
	runCases(t, DL4004, []Case{
		{Name: "two", Dockerfile: "FROM alpine:3\nENTRYPOINT a\nENTRYPOINT [\"b\"]\n", Fire: true, Lines: []int{3}},
		{Name: "in a used build stage", Dockerfile: "FROM alpine:3 AS b\nENTRYPOINT a\nENTRYPOINT b\nFROM b\n", Fire: true, Lines: []int{3}},
		{Name: "one", Dockerfile: "FROM alpine:3\nENTRYPOINT [\"a\"]\nCMD [\"b\"]\n"},
		{Name: "one per stage", Dockerfile: "FROM alpine:3 AS a\nENTRYPOINT a\nFROM a\nENTRYPOINT b\n"},
		{Name: "stage not built", Dockerfile: "FROM alpine:3 AS x\nENTRYPOINT a\nENTRYPOINT b\nFROM alpine:3\n"},
	})
}
