package rules

import "testing"

func TestDL3063(t *testing.T) {
	runCases(t, DL3063, []Case{
		{Name: "no USER", Dockerfile: "FROM alpine:3\nRUN true\n", Fire: true, Lines: []int{1}},
		{Name: "USER only in a build stage", Dockerfile: "FROM alpine:3 AS b\nUSER app\nFROM alpine:3\nCOPY --from=b /a /a\n", Fire: true, Lines: []int{3}},
		{Name: "target without USER", Dockerfile: "FROM alpine:3 AS dev\nRUN true\nFROM alpine:3\nUSER 1000\n", Target: "dev", Fire: true, Lines: []int{1}},
		{Name: "USER in RUN text only", Dockerfile: "FROM alpine:3\nRUN echo USER app && adduser -D app\n", Fire: true},
		{Name: "exec-form CMD, no USER", Dockerfile: "FROM alpine:3\nCMD [\"/app\"]\n", Fire: true},
		{Name: "ONBUILD USER is not this image's", Dockerfile: "FROM alpine:3\nONBUILD USER app\n", Fire: true},
		{Name: "hadolint: no USER", Dockerfile: "FROM alpine:3\n", Fire: true, Hadolint: true},
		{Name: "USER inherited under compat", Dockerfile: "FROM alpine:3 AS base\nUSER app\nFROM base\n", Fire: true, Config: compat},
		{Name: "USER inherited from base stage", Dockerfile: "FROM alpine:3 AS base\nUSER app\nFROM base\n"},
		{Name: "USER root still a USER (DL3002 judges it)", Dockerfile: "FROM alpine:3\nUSER root\n"},
		{Name: "USER from ARG", Dockerfile: "FROM alpine:3\nARG U=1000\nUSER $U\n"},
		{Name: "hadolint: USER present", Dockerfile: "FROM alpine:3\nUSER nobody\n", Hadolint: true},
		{Name: "hadolint: multi-stage", Dockerfile: "FROM alpine:3 AS builder\nFROM alpine:3\nUSER app\n", Hadolint: true},
		{Name: "hadolint: UID", Dockerfile: "FROM alpine:3\nUSER 1000\n", Hadolint: true},
		{Name: "hadolint: UID:GID", Dockerfile: "FROM alpine:3\nUSER 1000:1000\n", Hadolint: true},
	})
}
