package rules

import "testing"

func TestDL3023(t *testing.T) {
	cases := []Case{
		{Name: "own alias", Dockerfile: "FROM golang:1 AS build\nCOPY --from=build /a /a\n", Fire: true, Lines: []int{2}},
		{Name: "own alias other case", Dockerfile: "FROM golang:1 AS build\nCOPY --from=Build /a /a\n", Fire: true},
		{Name: "own index", Dockerfile: "FROM golang:1\nFROM golang:1\nCOPY --from=1 /a /a\n", Fire: true, Lines: []int{3}},
		{Name: "own alias from ARG", Dockerfile: "ARG S=build\nFROM golang:1 AS build\nARG S\nCOPY --from=$S /a /a\n", Fire: true},
		{Name: "earlier alias", Dockerfile: "FROM golang:1 AS src\nFROM golang:1 AS build\nCOPY --from=src /a /a\n"},
		{Name: "earlier index", Dockerfile: "FROM golang:1\nFROM golang:1\nCOPY --from=0 /a /a\n"},
		{Name: "plain copy", Dockerfile: "FROM golang:1 AS build\nCOPY build /a\n"},
		{Name: "own alias in third stage", Dockerfile: "FROM a:1 AS x\nFROM b:1 AS y\nFROM c:1 AS z\nCOPY --chown=1 --from=z /a /a\n", Fire: true, Lines: []int{4}},
		{Name: "alias of a later stage is DL3022", Dockerfile: "FROM golang:1 AS build\nCOPY --from=later /a /a\nFROM golang:1 AS later\n"},
		{Name: "image reference", Dockerfile: "FROM golang:1 AS build\nCOPY --from=build:1.0 /a /a\n"},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3023Spec.hs.
	cases = append(cases, Case{Name: "hadolint/COPY --from=foo bar .", Dockerfile: "FROM node as foo\nCOPY --from=foo bar .\n", Fire: true, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/RUN baz", Dockerfile: "FROM scratch as build\nRUN foo\nFROM node as run\nCOPY --from=build foo .\nRUN baz\n", Fire: false, Hadolint: true})
	runCases(t, DL3023, cases)
}
