package rules

import "testing"

func TestDL3024(t *testing.T) {
	runCases(t, DL3024, []Case{
		{Name: "duplicate", Dockerfile: "FROM golang:1 AS build\nFROM node:22 AS build\n", Fire: true, Lines: []int{2}},
		{Name: "case-insensitive", Dockerfile: "FROM golang:1 AS build\nFROM node:22 AS BUILD\n", Fire: true, Lines: []int{2}},
		{Name: "three times", Dockerfile: "FROM a:1 AS x\nFROM b:1 AS x\nFROM c:1 AS x\n", Fire: true, Lines: []int{2, 3}},
		{Name: "unique", Dockerfile: "FROM golang:1 AS build\nFROM node:22 AS web\nFROM scratch\n"},
		{Name: "unnamed stages", Dockerfile: "FROM golang:1\nFROM golang:1\n"},
		{Name: "lower-case as", Dockerfile: "FROM a:1 as x\nFROM b:1 as x\n", Fire: true},
		{Name: "continuation", Dockerfile: "FROM a:1 \\\n  AS x\nFROM b:1 AS x\n", Fire: true, Lines: []int{3}},
		{Name: "name reused as a base", Dockerfile: "FROM golang:1 AS build\nFROM build AS final\n"},
		{Name: "similar names", Dockerfile: "FROM a:1 AS build\nFROM a:1 AS build2\nFROM a:1 AS build-x\n"},
		{Name: "hadolint: unique", Dockerfile: "FROM scratch as build\nRUN foo\nFROM node as run\nRUN baz\n", Hadolint: true},
	})
}
