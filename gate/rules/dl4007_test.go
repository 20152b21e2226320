package rules

import "testing"

func TestDL4007(t *testing.T) {
	cases := []Case{
		{Name: "dot dot", Dockerfile: "FROM node:22\nWORKDIR /app\nCOPY . .\n", Fire: true, Lines: []int{3}},
		{Name: "among other sources", Dockerfile: "FROM node:22\nCOPY package.json . /app/\n", Fire: true},
		{Name: "chown flag", Dockerfile: "FROM node:22\nCOPY --chown=node:node ./ /app\n", Fire: true},
		{Name: "exec form", Dockerfile: "FROM node:22\nCOPY [\".\", \"/app\"]\n", Fire: true},
		{Name: "ARG expanded", Dockerfile: "FROM node:22\nARG SRC=.\nCOPY $SRC /app\n", Fire: true, Lines: []int{3}},
		{Name: "dot slash dot", Dockerfile: "FROM node:22\nCOPY ./. /app\n", Fire: true},
		{Name: "continuation", Dockerfile: "FROM node:22\nCOPY \\\n  . \\\n  /app\n", Fire: true, Lines: []int{2}},
		{Name: "build stage copied from", Dockerfile: "FROM golang:1.23 AS b\nCOPY . /src\nRUN go build -o /app /src\nFROM scratch\nCOPY --from=b /app /app\n", Fire: true, Lines: []int{2}},
		{Name: "subdirectory", Dockerfile: "FROM node:22\nCOPY src/ /app/src/\n"},
		{Name: "dot file", Dockerfile: "FROM node:22\nCOPY .npmrc /app/\n"},
		{Name: "parent dir", Dockerfile: "FROM node:22\nCOPY ../shared /app/shared\n"},
		{Name: "dot destination only", Dockerfile: "FROM node:22\nWORKDIR /app\nCOPY package.json .\n"},
		{Name: "from stage", Dockerfile: "FROM golang:1.23 AS b\nRUN go build -o /out/app .\nFROM scratch\nCOPY --from=b . .\n"},
		{Name: "ADD", Dockerfile: "FROM node:22\nADD . /app\n"},
		{Name: "ONBUILD", Dockerfile: "FROM node:22\nONBUILD COPY . /app\n"},
		{Name: "stage not built", Dockerfile: "FROM node:22 AS t\nCOPY . /app\nFROM node:22\nCOPY package.json /app/\n"},
		{Name: "unknown ARG", Dockerfile: "FROM node:22\nARG SRC\nCOPY $SRC /app\n"},
		{Name: "from stage under compat", Dockerfile: "FROM golang:1.23 AS b\nRUN true\nFROM scratch\nCOPY --from=b . .\n", Fire: true, Config: compat},
		{Name: "stage not built under compat", Dockerfile: "FROM node:22 AS t\nCOPY . /app\nFROM node:22\n", Fire: true, Config: compat},
		// Ported from hadolint's DL4007Spec.
		{Name: "hadolint: COPY . .", Dockerfile: "FROM scratch\nCOPY . .\n", Fire: true, Hadolint: true},
		{Name: "hadolint: COPY . /app", Dockerfile: "FROM scratch\nCOPY . /app\n", Fire: true, Hadolint: true},
		{Name: "hadolint: COPY './' /app", Dockerfile: "FROM scratch\nCOPY './' /app\n", Fire: true, Hadolint: true},
		{Name: "hadolint: COPY src/ .", Dockerfile: "FROM scratch\nCOPY src/ .\n", Hadolint: true},
		{Name: "hadolint: specific COPY", Dockerfile: "FROM scratch\nCOPY package.json yarn.lock /app/\n", Hadolint: true},
		{Name: "hadolint: after FROM alias", Dockerfile: "FROM node:18 as build\nCOPY . .\nRUN echo hello\n", Fire: true, Hadolint: true},
	}
	runCases(t, DL4007, cases)
}
