package rules

import "testing"

func TestDL1001(t *testing.T) {
	runCases(t, DL1001, []Case{
		{Name: "hadolint pragma", Dockerfile: "FROM debian:12\n# hadolint ignore=DL3008,DL3009\nRUN apt-get install -y curl\n", Fire: true, Lines: []int{2}},
		{Name: "crank pragma", Dockerfile: "FROM debian:12\n# crank-gate ignore=DL3008 reason=\"mirror\"\nRUN apt-get install -y curl\n", Fire: true, Lines: []int{2}},
		{Name: "stage pragma", Dockerfile: "FROM debian:12\n# crank-gate stage ignore=DL3008\nRUN apt-get install -y curl\n", Fire: true},
		{Name: "two pragmas, multi-stage", Dockerfile: "FROM debian:12 AS b\n# hadolint ignore=DL3003\nRUN cd /x\nFROM scratch\n#hadolint ignore=DL3020\nADD a /a\n", Fire: true, Lines: []int{2, 5}},
		{Name: "before a heredoc", Dockerfile: "FROM debian:12\n# hadolint ignore=DL3008\nRUN <<EOF\napt-get install -y curl\nEOF\n", Fire: true, Lines: []int{2}},
		{Name: "hadolint: inline pragma", Dockerfile: "# hadolint ignore=DL3003\nRUN foo bar\n", Fire: true, Hadolint: true},
		{Name: "crank pragma under compat", Dockerfile: "FROM debian:12\n# crank-gate ignore=DL3008\nRUN apt-get install -y curl\n", Config: compat},
		{Name: "global pragma", Dockerfile: "# hadolint global ignore=DL3008\nFROM debian:12\nRUN apt-get install -y curl\n"},
		{Name: "plain comment", Dockerfile: "FROM debian:12\n# install curl\nRUN apt-get install -y curl\n"},
		{Name: "pragma text in a RUN", Dockerfile: "FROM debian:12\nRUN echo '# hadolint ignore=DL3008'\n"},
		{Name: "comment inside continuation", Dockerfile: "FROM debian:12\nRUN apt-get install -y \\\n# hadolint ignore=DL3008\n    curl\n"},
		{Name: "hadolint: other pragma", Dockerfile: "# hadolint shell=powershell\nRUN foo bar\n", Hadolint: true},
		{Name: "hadolint: other comment", Dockerfile: "# foobar\nRUN foo bar\n", Hadolint: true},
		{Name: "hadolint: no pragma", Dockerfile: "FROM debian\nRUN foo bar\n", Hadolint: true},
	})
}
