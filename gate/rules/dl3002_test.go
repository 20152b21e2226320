package rules

import "testing"

func TestDL3002(t *testing.T) {
	runCases(t, DL3002, []Case{
		{Name: "root last", Dockerfile: "FROM alpine:3\nUSER root\n", Fire: true, Lines: []int{2}},
		{Name: "uid 0 with group", Dockerfile: "FROM alpine:3\nUSER 0:0\n", Fire: true},
		{Name: "root from ARG", Dockerfile: "FROM alpine:3\nARG U=root\nUSER $U\n", Fire: true, Lines: []int{3}},
		{Name: "inherited from parent stage", Dockerfile: "FROM alpine:3 AS base\nUSER root\nFROM base\nRUN true\n", Fire: true, Lines: []int{2}},
		{Name: "target stage ends as root", Dockerfile: "FROM alpine:3 AS dev\nUSER root\nFROM alpine:3\nUSER 1000\n", Target: "dev", Fire: true},
		{Name: "root then non-root", Dockerfile: "FROM alpine:3\nUSER root\nRUN apk add curl\nUSER 1000\n"},
		{Name: "root only in build stage", Dockerfile: "FROM golang:1 AS build\nUSER root\nFROM alpine:3\nUSER 1000\n"},
		{Name: "no USER at all", Dockerfile: "FROM alpine:3\n"},
		{Name: "rootless name", Dockerfile: "FROM alpine:3\nUSER rootless\n"},
		{Name: "root:group", Dockerfile: "FROM alpine:3\nUSER root:wheel\n", Fire: true},
		{Name: "lower-case instruction", Dockerfile: "FROM alpine:3\nuser root\n", Fire: true},
		{Name: "build stage under compat", Dockerfile: "FROM golang:1 AS build\nUSER root\nFROM alpine:3\nUSER 1000\n", Fire: true, Lines: []int{2}, Config: compat},
		{Name: "ARG root under compat is not seen", Dockerfile: "FROM alpine:3\nARG U=root\nUSER $U\n", Config: compat},
		{Name: "uid 1000 with root group", Dockerfile: "FROM alpine:3\nUSER 1000:0\n"},
		// Ported from hadolint's DL3002Spec.
		{Name: "hadolint: root", Dockerfile: "FROM scratch\nUSER root\n", Fire: true, Hadolint: true},
		{Name: "hadolint: uid 0", Dockerfile: "FROM scratch\nUSER 0\n", Fire: true, Hadolint: true},
		{Name: "hadolint: root:root", Dockerfile: "FROM scratch\nUSER root:root\n", Fire: true, Hadolint: true},
		{Name: "hadolint: 0:0", Dockerfile: "FROM scratch\nUSER 0:0\n", Fire: true, Hadolint: true},
		{Name: "hadolint: transitive root", Dockerfile: "FROM debian as base\nUSER root\nRUN something\nFROM base\nRUN something else\n", Fire: true, Hadolint: true},
		{Name: "hadolint: multiple stages (compat)", Dockerfile: "FROM debian as base\nUSER root\nRUN something\nFROM scratch\nUSER foo\nRUN something else\n", Fire: true, Config: compat},
		{Name: "hadolint: no root", Dockerfile: "FROM scratch\nUSER foo\n", Hadolint: true},
		{Name: "hadolint: switch back", Dockerfile: "FROM scratch\nUSER root\nRUN something\nUSER foo\n", Hadolint: true},
		{Name: "hadolint: switching in multiple stages", Dockerfile: "FROM debian as base\nUSER root\nRUN something\nUSER foo\nFROM scratch\nRUN something else\n", Hadolint: true},
	})
}
