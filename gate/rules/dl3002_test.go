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
	})
}
