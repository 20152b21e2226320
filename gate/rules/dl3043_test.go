package rules

import "testing"

func TestDL3043(t *testing.T) {
	runCases(t, DL3043, []Case{
		{Name: "FROM", Dockerfile: "FROM alpine:3\nONBUILD FROM alpine:3\n", Fire: true, Lines: []int{2}},
		{Name: "ONBUILD", Dockerfile: "FROM alpine:3\nONBUILD ONBUILD RUN true\n", Fire: true},
		{Name: "lower-case MAINTAINER", Dockerfile: "FROM alpine:3\nonbuild maintainer me\n", Fire: true},
		{Name: "in a build stage", Dockerfile: "FROM alpine:3 AS base\nONBUILD FROM x\nFROM alpine:3\n", Fire: true},
		{Name: "RUN", Dockerfile: "FROM alpine:3\nONBUILD RUN echo FROM x\n"},
		{Name: "COPY", Dockerfile: "FROM alpine:3\nONBUILD COPY . /app\n"},
		{Name: "plain MAINTAINER", Dockerfile: "FROM alpine:3\nMAINTAINER me\n"},
		{Name: "RUN in heredoc-free continuation", Dockerfile: "FROM alpine:3\nONBUILD RUN apk add \\\n    curl\n"},
		{Name: "ONBUILD LABEL", Dockerfile: "FROM alpine:3\nONBUILD LABEL a=b\n"},
		{Name: "continuation", Dockerfile: "FROM alpine:3\nONBUILD \\\n  FROM alpine:3\n", Fire: true},
	})
}
