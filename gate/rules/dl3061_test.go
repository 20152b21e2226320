package rules

import "testing"

func TestDL3061(t *testing.T) {
	runCases(t, DL3061, []Case{
		{Name: "LABEL first", Dockerfile: "LABEL a=b\nFROM alpine:3\n", Fire: true, Lines: []int{1}},
		{Name: "after ARG", Dockerfile: "ARG V=3\nRUN true\nFROM alpine:$V\n", Fire: true, Lines: []int{2}},
		{Name: "ARG then FROM", Dockerfile: "# syntax=docker/dockerfile:1\nARG V=3\nFROM alpine:$V\n"},
		{Name: "FROM first", Dockerfile: "FROM alpine:3\nRUN true\n"},
	})
}
