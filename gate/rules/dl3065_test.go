package rules

import "testing"

func TestDL3065(t *testing.T) {
	cases := []Case{
		{Name: "target platform", Dockerfile: "FROM --platform=$TARGETPLATFORM alpine:3\nRUN true\n", Fire: true, Lines: []int{1}},
		{Name: "braces, named stage", Dockerfile: "FROM --platform=${TARGETPLATFORM} alpine:3 AS base\nRUN true\n", Fire: true},
		{Name: "quoted", Dockerfile: "FROM --platform=\"$TARGETPLATFORM\" alpine:3\n", Fire: true},
		{Name: "build stage not shipped", Dockerfile: "FROM --platform=$TARGETPLATFORM golang:1.23 AS b\nRUN true\nFROM alpine:3\n", Fire: true, Lines: []int{1}},
		{Name: "second stage", Dockerfile: "FROM --platform=$BUILDPLATFORM golang:1.23 AS b\nFROM --platform=$TARGETPLATFORM alpine:3\nCOPY --from=b /a /a\n", Fire: true, Lines: []int{2}},
		{Name: "build platform", Dockerfile: "FROM --platform=$BUILDPLATFORM golang:1.23 AS b\nRUN true\n"},
		{Name: "fixed platform", Dockerfile: "FROM --platform=linux/amd64 alpine:3\n"},
		{Name: "platform in RUN text", Dockerfile: "FROM alpine:3\nRUN echo --platform=$TARGETPLATFORM\n"},
		{Name: "derived value", Dockerfile: "FROM --platform=${TARGETPLATFORM:-linux/amd64} alpine:3\n"},
	}
	for _, s := range []string{"FROM alpine:3.24", "FROM --platform=$FOOBAR alpine:3.24", "FROM --platform=foobar alpine:3.24", "FROM --platform=foobar/arm64 alpine:3.24"} {
		cases = append(cases, Case{Name: "hadolint/" + s, Dockerfile: s + "\n", Hadolint: true})
	}
	for _, s := range []string{"FROM --platform=$TARGETPLATFORM alpine:3.24", "FROM --platform=${TARGETPLATFORM} alpine:3.24"} {
		cases = append(cases, Case{Name: "hadolint/" + s, Dockerfile: s + "\n", Fire: true, Hadolint: true})
	}
	runCases(t, DL3065, cases)
}
