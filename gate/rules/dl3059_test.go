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
		{Name: "exec form", Dockerfile: "FROM debian:12\nRUN [\"a\"]\nRUN [\"b\", \"c\"]\n", Fire: true, Lines: []int{3}},
		{Name: "continuation of one command", Dockerfile: "FROM debian:12\nRUN a \\\n  --flag\nRUN b\n", Fire: true, Lines: []int{4}},
		{Name: "build stage under compat", Dockerfile: "FROM debian:12 AS b\nRUN a\nRUN b\nFROM debian:12\nCOPY --from=b /x /x\n", Fire: true, Config: compat},
		{Name: "&& chain", Dockerfile: "FROM debian:12\nRUN a && b\nRUN c\n"},
		{Name: "|| chain", Dockerfile: "FROM debian:12\nRUN a\nRUN b || c\n"},
		{Name: "multi-command heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\na\nb\nEOF\nRUN c\n"},
		{Name: "continuation chain", Dockerfile: "FROM debian:12\nRUN a \\\n && b\nRUN c\n"},
		// Ported from hadolint's DL3059Spec.
		{Name: "hadolint: no RUN", Dockerfile: "FROM debian:10\n", Hadolint: true},
		{Name: "hadolint: one RUN", Dockerfile: "FROM debian:10\nRUN /foo.sh\n", Hadolint: true},
		{Name: "hadolint: not consecutive", Dockerfile: "FROM debian:10\nRUN /foo.sh\nWORKDIR /\nRUN /bar.sh\n", Hadolint: true},
		{Name: "hadolint: consecutive", Dockerfile: "FROM debian:10\nRUN /foo.sh\nRUN /bar.sh\n", Fire: true, Hadolint: true},
		{Name: "hadolint: separated by a comment", Dockerfile: "FROM debian:10\nRUN /foo.sh\n# a comment\nRUN /bar.sh\n", Fire: true, Hadolint: true},
		{Name: "hadolint: separated by two comments", Dockerfile: "FROM debian:10\nRUN /foo.sh\n# a comment\n# another comment\nRUN /bar.sh\n", Fire: true, Hadolint: true},
		{Name: "hadolint: one RUN after a comment", Dockerfile: "FROM debian:10\n# a comment\nRUN /foo.sh\n", Hadolint: true},
		{Name: "hadolint: flags differ 1", Dockerfile: "FROM debian:10\nRUN --mount=type=secret,id=foo /foo.sh\nRUN /bar.sh\n", Hadolint: true},
		{Name: "hadolint: flags differ 2", Dockerfile: "FROM debian:10\nRUN --mount=type=secret,id=foo /foo.sh\nRUN --mount=type=secret,id=bar /bar.sh\n", Hadolint: true},
		{Name: "hadolint: flags equal", Dockerfile: "FROM debian:10\nRUN --mount=type=secret,id=foo /foo.sh\nRUN --mount=type=secret,id=foo /bar.sh\n", Fire: true, Hadolint: true},
		{Name: "hadolint: chained 1", Dockerfile: "FROM debian:10\nRUN foo && bar\nRUN foobar\n", Hadolint: true},
		{Name: "hadolint: chained 2", Dockerfile: "FROM debian:10\nRUN foo; bar\nRUN foobar\n", Hadolint: true},
		{Name: "hadolint: chained 3", Dockerfile: "FROM debian:10\nRUN foobar\nRUN foo && bar\n", Hadolint: true},
		{Name: "hadolint: chained 4", Dockerfile: "FROM debian:10\nRUN foobar\nRUN foo; bar\n", Hadolint: true},
		{Name: "hadolint: chained 5", Dockerfile: "FROM debian:10\nRUN foo && bar\nRUN foo; bar\n", Hadolint: true},
		{Name: "hadolint: two single RUNs after a chain", Dockerfile: "FROM debian:10\nRUN foo && bar\nRUN foo\nRUN bar\n", Fire: true, Lines: []int{4}, Hadolint: true},
	})
}
