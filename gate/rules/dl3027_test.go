package rules

import "testing"

func TestDL3027(t *testing.T) {
	cases := []Case{
		{Name: "apt install", Dockerfile: "FROM debian:12\nRUN apt install -y curl\n", Fire: true, Lines: []int{2}},
		{Name: "full path", Dockerfile: "FROM debian:12\nRUN /usr/bin/apt update\n", Fire: true},
		{Name: "sudo env prefix", Dockerfile: "FROM debian:12\nRUN sudo env DEBIAN_FRONTEND=noninteractive apt upgrade -y\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\napt update\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "apt-get", Dockerfile: "FROM debian:12\nRUN apt-get update && apt-cache policy curl\n"},
		{Name: "quoted", Dockerfile: "FROM debian:12\nRUN echo \"apt install x\"\n"},
		{Name: "argument", Dockerfile: "FROM debian:12\nRUN which apt\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS dev\nRUN apt update\nFROM debian:12\n"},
		{Name: "exec form", Dockerfile: "FROM debian:12\nRUN [\"apt\", \"install\", \"-y\", \"curl\"]\n", Fire: true},
		{Name: "apt-get in a chain", Dockerfile: "FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl || true\n"},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3027Spec.hs.
	cases = append(cases, Case{Name: "hadolint/RUN apt install python", Dockerfile: "FROM ubuntu\nRUN apt install python\n", Fire: true, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/ONBUILD RUN apt install python", Dockerfile: "FROM ubuntu\nONBUILD RUN apt install python\n", Fire: true, Hadolint: true})
	runCases(t, DL3027, cases)
}
