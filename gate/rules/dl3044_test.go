package rules

import "testing"

func TestDL3044(t *testing.T) {
	runCases(t, DL3044, []Case{
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
	})
}
