package rules

import "testing"

func TestCG2004(t *testing.T) {
	const from = "FROM debian:12\n"
	runCases(t, CG2004, []Case{
		{Name: "curl http", Dockerfile: from + "RUN curl -fsSL http://example.com/x -o /x\n", Fire: true, Lines: []int{2}},
		{Name: "wget http", Dockerfile: from + "RUN wget -q http://example.com/x\n", Fire: true},
		{Name: "ADD http", Dockerfile: from + "ADD http://example.com/x.tgz /tmp/\n", Fire: true, Lines: []int{2}},
		{Name: "ADD via ARG", Dockerfile: from + "ARG MIRROR=http://mirror.example.com\nADD ${MIRROR}/x.tgz /tmp/\n", Fire: true, Lines: []int{3}},
		{Name: "curl via ARG", Dockerfile: from + "ARG URL=http://example.com/x\nRUN curl -o /x $URL\n", Fire: true, Lines: []int{3}},
		{Name: "pip index url", Dockerfile: from + "RUN pip install --index-url=http://pypi.example.com/simple flask\n", Fire: true},
		{Name: "git clone http", Dockerfile: from + "RUN git clone http://git.example.com/x.git\n", Fire: true},
		{Name: "sudo wget", Dockerfile: from + "RUN sudo wget http://example.com/x\n", Fire: true},
		{Name: "exec form", Dockerfile: from + "RUN [\"curl\", \"-o\", \"/x\", \"http://example.com/x\"]\n", Fire: true},
		{Name: "https", Dockerfile: from + "RUN curl -fsSL https://example.com/x -o /x\n"},
		{Name: "loopback", Dockerfile: from + "RUN curl -f http://localhost:8080/health && curl http://127.0.0.1/x\n"},
		{Name: "echo http text", Dockerfile: from + "RUN echo 'see http://example.com'\n"},
		{Name: "apt sources http", Dockerfile: from + "RUN echo 'deb http://deb.debian.org/debian bookworm main' > /etc/apt/sources.list\n"},
		{Name: "header mentions http", Dockerfile: from + "RUN curl -H 'Referer: http://x' https://example.com/x\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS x\nRUN curl http://example.com/x\nFROM scratch\n"},
		{Name: "ADD https", Dockerfile: from + "ADD https://example.com/x.tgz /tmp/\n"},
	})
}
