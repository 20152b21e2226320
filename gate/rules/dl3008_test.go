package rules

import "testing"

func TestDL3008(t *testing.T) {
	runCases(t, DL3008, []Case{
		{Name: "unpinned", Dockerfile: "FROM debian:12\nRUN apt-get install -y curl\n", Fire: true, Lines: []int{2}},
		{Name: "one of two unpinned", Dockerfile: "FROM debian:12\nRUN apt-get install -y curl=7.88 git\n", Fire: true},
		{Name: "sudo prefix", Dockerfile: "FROM debian:12\nRUN sudo apt-get -y install curl\n", Fire: true},
		{Name: "packages from ENV", Dockerfile: "FROM debian:12\nENV PKGS=\"curl=1 git\"\nRUN apt-get install -y $PKGS\n", Fire: true},
		{Name: "on continuation line", Dockerfile: "FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y \\\n      curl\n", Fire: true, Lines: []int{3}},
		{Name: "heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "exec form", Dockerfile: "FROM debian:12\nRUN [\"apt-get\", \"install\", \"-y\", \"curl\"]\n", Fire: true},
		{Name: "pinned", Dockerfile: "FROM debian:12\nRUN apt-get install -y curl=7.88.1-10\n"},
		{Name: "pinned by ARG", Dockerfile: "FROM debian:12\nARG V=7.88\nRUN apt-get install -y curl=${V}\n"},
		{Name: "deb file", Dockerfile: "FROM debian:12\nRUN apt-get install -y ./pkg.deb /tmp/x.deb\n"},
		{Name: "option values are not packages", Dockerfile: "FROM debian:12\nRUN apt-get install -y -o Dpkg::Options::=--force-confold -t bookworm-backports curl=1\n"},
		{Name: "unknown variable", Dockerfile: "FROM debian:12\nARG PKGS\nRUN apt-get install -y $PKGS\n"},
		{Name: "quoted text", Dockerfile: "FROM debian:12\nRUN echo 'apt-get install curl'\n"},
		{Name: "apt-get update only", Dockerfile: "FROM debian:12\nRUN apt-get update\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS dev\nRUN apt-get install -y curl\nFROM debian:12\nRUN true\n"},
	})
}
