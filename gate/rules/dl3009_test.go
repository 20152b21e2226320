package rules

import "testing"

func TestDL3009(t *testing.T) {
	runCases(t, DL3009, []Case{
		{Name: "no cleanup", Dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n", Fire: true, Lines: []int{2}},
		{Name: "cleanup in a later RUN", Dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n", Fire: true, Lines: []int{2}},
		{Name: "apt update", Dockerfile: "FROM debian:12\nRUN apt update\n", Fire: true},
		{Name: "parent of the target", Dockerfile: "FROM debian:12 AS base\nRUN apt-get update\nFROM base\nRUN true\n", Fire: true, Lines: []int{2}},
		{Name: "heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "cleaned", Dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"},
		{Name: "cleaned parent dir", Dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt\n"},
		{Name: "cleaned in heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF\n"},
		{Name: "cache mount", Dockerfile: "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl\n"},
		{Name: "build stage copied from", Dockerfile: "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM scratch\nCOPY --from=build /a /a\n"},
		{Name: "quoted", Dockerfile: "FROM debian:12\nRUN echo 'apt-get update'\n"},
		{Name: "removing partial only is not cleaning", Dockerfile: "FROM debian:12\nRUN apt-get update && rm -rf /var/lib/apt/lists/partial\n", Fire: true},
	})
}
