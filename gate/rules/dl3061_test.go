package rules

import "testing"

func TestDL3061(t *testing.T) {
	runCases(t, DL3061, []Case{
		{Name: "LABEL first", Dockerfile: "LABEL a=b\nFROM alpine:3\n", Fire: true, Lines: []int{1}},
		{Name: "after ARG", Dockerfile: "ARG V=3\nRUN true\nFROM alpine:$V\n", Fire: true, Lines: []int{2}},
		{Name: "ARG then FROM", Dockerfile: "# syntax=docker/dockerfile:1\nARG V=3\nFROM alpine:$V\n"},
		{Name: "FROM first", Dockerfile: "FROM alpine:3\nRUN true\n"},
		{Name: "RUN first", Dockerfile: "RUN true\nFROM alpine:3\n", Fire: true, Lines: []int{1}},
		{Name: "COPY before FROM after comment", Dockerfile: "# a comment\nCOPY a /a\nFROM alpine:3\n", Fire: true, Lines: []int{2}},
		{Name: "ENV first", Dockerfile: "ENV A=1\nFROM alpine:3\n", Fire: true},
		{Name: "comment then FROM", Dockerfile: "# comment\nFROM alpine:3\n"},
		{Name: "escape directive then ARG", Dockerfile: "# escape=`\nARG V=3\nFROM alpine:$V\n"},
		{Name: "multi-stage", Dockerfile: "FROM alpine:3 AS a\nRUN true\nFROM a\nRUN true\n"},
	})
}
