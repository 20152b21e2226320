package rules

import "testing"

func TestDL3015(t *testing.T) {
	runCases(t, DL3015, []Case{
		{Name: "missing", Dockerfile: "FROM debian:12\nRUN apt-get install -y curl\n", Fire: true, Lines: []int{2}},
		{Name: "parent of target", Dockerfile: "FROM debian:12 AS base\nRUN apt-get install -y curl\nFROM base\n", Fire: true, Lines: []int{2}},
		{Name: "heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "recommends option true", Dockerfile: "FROM debian:12\nRUN apt-get install -y -o APT::Install-Recommends=true curl\n", Fire: true},
		{Name: "present", Dockerfile: "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n"},
		{Name: "option", Dockerfile: "FROM debian:12\nRUN apt-get install -y -o APT::Install-Recommends=false curl\n"},
		{Name: "apt config", Dockerfile: "FROM debian:12\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/90norecommends\nRUN apt-get install -y curl\n"},
		{Name: "build stage", Dockerfile: "FROM debian:12 AS build\nRUN apt-get install -y gcc\nFROM scratch\nCOPY --from=build /a /a\n"},
		{Name: "unknown variable", Dockerfile: "FROM debian:12\nARG APT_FLAGS\nRUN apt-get install -y $APT_FLAGS curl\n"},
		{Name: "exec form", Dockerfile: "FROM debian:12\nRUN [\"apt-get\", \"install\", \"-y\", \"curl\"]\n", Fire: true},
	})
}
