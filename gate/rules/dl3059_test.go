package rules

import "testing"

func TestDL3059(t *testing.T) {
	runCases(t, DL3059, []Case{
		{Name: "two RUNs", Dockerfile: "FROM debian:12\nRUN a\nRUN b\n", Fire: true, Lines: []int{3}},
		{Name: "three RUNs with a comment", Dockerfile: "FROM debian:12\nRUN a\n# why\nRUN b\nRUN c\n", Fire: true, Lines: []int{4, 5}},
		{Name: "heredoc RUNs", Dockerfile: "FROM debian:12\nRUN <<EOF\na\nEOF\nRUN b\n", Fire: true, Lines: []int{5}},
		{Name: "separated", Dockerfile: "FROM debian:12\nRUN a\nWORKDIR /x\nRUN b\n"},
		{Name: "different mounts", Dockerfile: "FROM debian:12\nRUN a\nRUN --mount=type=cache,target=/c b\n"},
		{Name: "build stage", Dockerfile: "FROM debian:12 AS b\nRUN a\nRUN b\nFROM debian:12\nCOPY --from=b /x /x\n"},
		{Name: "across stages", Dockerfile: "FROM debian:12 AS base\nRUN a\nFROM base\nRUN b\n"},
	})
}
