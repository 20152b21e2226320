package rules

import "testing"

func TestDL3045(t *testing.T) {
	cases := []Case{
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
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3045Spec.hs.
	cases = append(cases, Case{Name: "hadolint/COPY bla.sh /usr/local/bin/blubb.sh", Dockerfile: "FROM debian:12\nCOPY bla.sh /usr/local/bin/blubb.sh\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY bla.sh \"/usr/local/bin/blubb.s\"", Dockerfile: "FROM debian:12\nCOPY bla.sh \"/usr/local/bin/blubb.s\"\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY bla.sh c:\\system32\\blubb.sh", Dockerfile: "FROM debian:12\nCOPY bla.sh c:\\system32\\blubb.sh\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY bla.sh \"c:\\system32\\blubb.sh\"", Dockerfile: "FROM debian:12\nCOPY bla.sh \"c:\\system32\\blubb.sh\"\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY bla.sh c:/system32/blubb.sh", Dockerfile: "FROM debian:12\nCOPY bla.sh c:/system32/blubb.sh\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY src.sh ${SRC_BASE_ENV}", Dockerfile: "FROM debian:12\nCOPY src.sh ${SRC_BASE_ENV}\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY src.sh $SRC_BASE_ENV", Dockerfile: "FROM debian:12\nCOPY src.sh $SRC_BASE_ENV\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY src.sh \"${SRC_BASE_ENV}\"", Dockerfile: "FROM debian:12\nCOPY src.sh \"${SRC_BASE_ENV}\"\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY src.sh \"$SRC_BASE_ENV\"", Dockerfile: "FROM debian:12\nCOPY src.sh \"$SRC_BASE_ENV\"\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY bla.sh blubb.sh", Dockerfile: "FROM debian:12\nCOPY bla.sh blubb.sh\n", Fire: true, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY bla.sh \"blubb.sh\"", Dockerfile: "FROM debian:12\nCOPY bla.sh \"blubb.sh\"\n", Fire: true, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY a b", Dockerfile: "FROM debian:12\nCOPY a b\n", Fire: true, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY bla.sh blubb.sh", Dockerfile: "FROM scratch\nWORKDIR /usr\nCOPY bla.sh blubb.sh\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY bla.sh blubb.sh", Dockerfile: "FROM scratch\nWORKDIR c:\\system32\nCOPY bla.sh blubb.sh\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY foo bar", Dockerfile: "FROM debian:buster as stage1\nWORKDIR /usr\nFROM debian:buster\nCOPY foo bar\n", Fire: true, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY foo bar", Dockerfile: "FROM debian:buster as base\nWORKDIR /usr\nFROM debian:buster as stage-inbetween\nRUN foo\nFROM base\nCOPY foo bar\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/COPY foo bar", Dockerfile: "FROM debian:buster as base1\nWORKDIR /usr\nFROM base1 as base2\nRUN foo\nFROM base2\nCOPY foo bar\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/ONBUILD COPY foo bar", Dockerfile: "FROM debian:buster\nONBUILD WORKDIR /usr/local/lib\nONBUILD COPY foo bar\n", Fire: false, Hadolint: true})
	runCases(t, DL3045, cases)
}
