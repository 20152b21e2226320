package rules

import "testing"

func TestDL4001(t *testing.T) {
	runCases(t, DL4001, []Case{
		{Name: "both in one RUN", Dockerfile: "FROM debian:12\nRUN curl -fO https://x/a && wget https://x/b\n", Fire: true, Lines: []int{2}},
		{Name: "separate RUNs", Dockerfile: "FROM debian:12\nRUN wget https://x/a\nRUN sudo curl -fO https://x/b\n", Fire: true, Lines: []int{3}},
		{Name: "heredoc", Dockerfile: "FROM debian:12\nRUN curl -fO x\nRUN <<EOF\nwget y\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "exec form and ; chain", Dockerfile: "FROM debian:12\nRUN [\"wget\", \"x\"]\nRUN true; curl -fO y || exit 1\n", Fire: true, Lines: []int{3}},
		{Name: "continuation", Dockerfile: "FROM debian:12\nRUN wget x \\\n && curl -fO y\n", Fire: true, Lines: []int{3}},
		{Name: "ONBUILD trigger", Dockerfile: "FROM debian:12\nRUN wget x\nONBUILD RUN curl -fO y\n", Fire: true},
		{Name: "unused stage under compat", Dockerfile: "FROM node as foo\nRUN wget my.xyz\nRUN curl localhost\nFROM scratch\nRUN curl localhost\n", Fire: true, Config: compat},
		{Name: "only curl", Dockerfile: "FROM debian:12\nRUN curl -fO https://x/a\nRUN curl -fO https://x/b\n"},
		{Name: "different stages", Dockerfile: "FROM debian:12 AS b\nRUN wget https://x/a\nFROM debian:12\nCOPY --from=b /a /a\nRUN curl -fO https://x/b\n"},
		{Name: "installing is not using", Dockerfile: "FROM debian:12\nRUN apt-get install -y curl wget\n"},
		{Name: "quoted", Dockerfile: "FROM debian:12\nRUN curl -fO x && echo 'wget y'\n"},
		{Name: "unused stage", Dockerfile: "FROM node as foo\nRUN wget my.xyz\nRUN curl localhost\nFROM scratch\nRUN curl localhost\n"},
		// Ported from hadolint's DL4001Spec.
		{Name: "hadolint: both", Dockerfile: "FROM node as foo\nRUN wget my.xyz\nRUN curl localhost\n", Fire: true, Hadolint: true},
		{Name: "hadolint: both in one instruction", Dockerfile: "FROM node as foo\nRUN wget my.xyz && curl localhost\n", Fire: true, Hadolint: true},
		{Name: "hadolint: only wget", Dockerfile: "FROM node as foo\nRUN wget my.xyz\n", Hadolint: true},
		{Name: "hadolint: different stages", Dockerfile: "FROM node as foo\nRUN wget my.xyz\nFROM scratch\nRUN curl localhost\n", Hadolint: true},
		{Name: "hadolint: one RUN reported", Dockerfile: "FROM node as foo\nRUN wget my.xyz\nRUN curl my.xyz\nRUN echo hello\n", Fire: true, Lines: []int{3}, Hadolint: true},
		{Name: "hadolint: many RUNs reported", Dockerfile: "FROM node as foo\nRUN wget my.xyz\nRUN curl my.xyz\nRUN echo hello\nRUN wget foo.com\n", Fire: true, Lines: []int{3, 5}, Config: compat},
	})
}
