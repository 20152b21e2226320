package rules

import "testing"

func TestCG1001(t *testing.T) {
	const digest = "@sha256:ad86386827b083b3d71139050b47ffb32bbd9559ea9b1345a739b14fec2d9ecf"
	runCases(t, CG1001, []Case{
		{Name: "tag only", Dockerfile: "FROM debian:12\n", Fire: true, Lines: []int{1}},
		{Name: "build stage used by target", Dockerfile: "FROM golang:1.26 AS build\nFROM scratch\nCOPY --from=build /a /a\n", Fire: true, Lines: []int{1}},
		{Name: "build stage used by RUN mount", Dockerfile: "FROM golang:1.26 AS build\nFROM scratch\nRUN --mount=from=build,target=/b true\n", Fire: true, Lines: []int{1}},
		{Name: "ARG resolves to tag", Dockerfile: "ARG V=12\nFROM debian:$V\n", Fire: true},
		{Name: "digest", Dockerfile: "FROM debian:12" + digest + "\n"},
		{Name: "scratch", Dockerfile: "FROM scratch\n"},
		{Name: "stage not built for target", Dockerfile: "FROM golang:1.26 AS tools\nFROM scratch\n"},
		{Name: "stage reference", Dockerfile: "FROM debian" + digest + " AS base\nFROM base\n"},
		{Name: "unknown ARG", Dockerfile: "ARG IMG\nFROM $IMG\n"},
		{Name: "digest via build arg", Dockerfile: "ARG IMG\nFROM $IMG\n", BuildArgs: map[string]string{"IMG": "debian" + digest}},
		{Name: "platform flag", Dockerfile: "FROM --platform=linux/amd64 debian:12\n", Fire: true},
		{Name: "lower-case from", Dockerfile: "from debian:12 as base\nFROM base\n", Fire: true, Lines: []int{1}},
	})
}
