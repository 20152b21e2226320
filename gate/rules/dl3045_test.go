package rules

import "testing"

func TestDL3045(t *testing.T) {
	runCases(t, DL3045, []Case{
		{Name: "dot", Dockerfile: "FROM node:22\nCOPY package.json .\n", Fire: true, Lines: []int{2}},
		{Name: "relative dir", Dockerfile: "FROM node:22\nCOPY --from=build /out app/\n", Fire: true},
		{Name: "WORKDIR after", Dockerfile: "FROM node:22\nCOPY a b\nWORKDIR /app\n", Fire: true, Lines: []int{2}},
		{Name: "ARG-expanded relative", Dockerfile: "FROM node:22\nARG D=app\nCOPY a $D\n", Fire: true},
		{Name: "exec form", Dockerfile: "FROM node:22\nCOPY [\"a\", \"b\"]\n", Fire: true},
		{Name: "WORKDIR of another branch does not count", Dockerfile: "FROM node:22 AS a\nWORKDIR /app\nFROM node:22\nCOPY --from=a x y\n", Fire: true, Lines: []int{4}},
		{Name: "WORKDIR first", Dockerfile: "FROM node:22\nWORKDIR /app\nCOPY package.json .\n"},
		{Name: "absolute", Dockerfile: "FROM node:22\nCOPY package.json /app/\n"},
		{Name: "ARG-expanded absolute", Dockerfile: "FROM node:22\nARG D=/app\nCOPY a $D\n"},
		{Name: "unknown ARG", Dockerfile: "FROM node:22\nARG D\nCOPY a $D\n"},
		{Name: "WORKDIR in parent stage", Dockerfile: "FROM node:22 AS base\nWORKDIR /app\nFROM base\nCOPY a .\n"},
		{Name: "windows", Dockerfile: "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCOPY a C:\\\\app\\\\\n"},
		{Name: "stage not built", Dockerfile: "FROM node:22 AS x\nCOPY a .\nFROM scratch\n"},
		{Name: "heredoc to absolute", Dockerfile: "FROM node:22\nCOPY <<EOF /etc/x.conf\na\nEOF\n"},
	})
}
