package rules

import "testing"

func TestDL4001(t *testing.T) {
	runCases(t, DL4001, []Case{
		{Name: "both in one RUN", Dockerfile: "FROM debian:12\nRUN curl -fO https://x/a && wget https://x/b\n", Fire: true, Lines: []int{2}},
		{Name: "separate RUNs", Dockerfile: "FROM debian:12\nRUN wget https://x/a\nRUN sudo curl -fO https://x/b\n", Fire: true, Lines: []int{3}},
		{Name: "heredoc", Dockerfile: "FROM debian:12\nRUN curl -fO x\nRUN <<EOF\nwget y\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "only curl", Dockerfile: "FROM debian:12\nRUN curl -fO https://x/a\nRUN curl -fO https://x/b\n"},
		{Name: "different stages", Dockerfile: "FROM debian:12 AS b\nRUN wget https://x/a\nFROM debian:12\nCOPY --from=b /a /a\nRUN curl -fO https://x/b\n"},
		{Name: "installing is not using", Dockerfile: "FROM debian:12\nRUN apt-get install -y curl wget\n"},
		{Name: "quoted", Dockerfile: "FROM debian:12\nRUN curl -fO x && echo 'wget y'\n"},
	})
}
