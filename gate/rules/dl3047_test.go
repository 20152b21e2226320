package rules

import "testing"

func TestDL3047(t *testing.T) {
	runCases(t, DL3047, []Case{
		{Name: "plain", Dockerfile: "FROM debian:12\nRUN wget https://x/y\n", Fire: true, Lines: []int{2}},
		{Name: "output document", Dockerfile: "FROM debian:12\nRUN wget -O /tmp/y https://x/y\n", Fire: true},
		{Name: "O value is not q", Dockerfile: "FROM debian:12\nRUN wget -Oq https://x/y\n", Fire: true},
		{Name: "sudo", Dockerfile: "FROM debian:12\nRUN sudo wget https://x/y\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\nwget https://x/y\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "progress", Dockerfile: "FROM debian:12\nRUN wget --progress=dot:giga https://x/y\n"},
		{Name: "quiet cluster", Dockerfile: "FROM debian:12\nRUN wget -qO- https://x/y\n"},
		{Name: "no-verbose", Dockerfile: "FROM debian:12\nRUN wget -nv https://x/y\n"},
		{Name: "output file", Dockerfile: "FROM debian:12\nRUN wget -o /dev/null https://x/y\n"},
		{Name: "quoted", Dockerfile: "FROM debian:12\nRUN echo 'wget https://x/y'\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS x\nRUN wget https://x/y\nFROM scratch\n"},
	})
}
