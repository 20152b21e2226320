package rules

import "testing"

func TestDL3021(t *testing.T) {
	cases := []Case{
		{Name: "no slash", Dockerfile: "FROM node:22\nCOPY a b /app\n", Fire: true, Lines: []int{2}},
		{Name: "exec form", Dockerfile: "FROM node:22\nCOPY [\"a\", \"b\", \"/app\"]\n", Fire: true},
		{Name: "dest from ARG", Dockerfile: "FROM node:22\nARG D=/app\nCOPY a b $D\n", Fire: true},
		{Name: "from stage", Dockerfile: "FROM node:22 AS b\nFROM node:22\nCOPY --from=b /a /b /app\n", Fire: true},
		{Name: "build stage", Dockerfile: "FROM node:22 AS b\nCOPY a b /app\nFROM scratch\n", Fire: true},
		{Name: "slash", Dockerfile: "FROM node:22\nCOPY a b /app/\n"},
		{Name: "dot", Dockerfile: "FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json .\n"},
		{Name: "one source", Dockerfile: "FROM node:22\nCOPY a /app\n"},
		{Name: "dest ARG with slash", Dockerfile: "FROM node:22\nARG D=/app/\nCOPY a b $D\n"},
		{Name: "unknown dest", Dockerfile: "FROM node:22\nARG D\nCOPY a b $D\n"},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3021Spec.hs.
	cases = append(cases, hadolintCases(false, "COPY foo bar", "COPY foo bar baz/")...)
	cases = append(cases, hadolintCases(true, "COPY foo bar baz")...)
	runCases(t, DL3021, cases)
}
