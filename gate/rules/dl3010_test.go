package rules

import "testing"

func TestDL3010(t *testing.T) {
	runCases(t, DL3010, []Case{
		{Name: "copy then extract", Dockerfile: "FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n", Fire: true, Lines: []int{2}},
		{Name: "old-style tar flags", Dockerfile: "FROM debian:12\nCOPY dist/app.tgz /tmp/app.tgz\nRUN cd /opt && tar xzf /tmp/app.tgz\n", Fire: true, Lines: []int{2}},
		{Name: "extract in heredoc", Dockerfile: "FROM debian:12\nCOPY app.tar.xz /tmp/\nRUN <<EOF\ntar --extract -f /tmp/app.tar.xz\nEOF\n", Fire: true},
		{Name: "copy archive without extracting", Dockerfile: "FROM debian:12\nCOPY app.tar.gz /srv/downloads/\n"},
		{Name: "zip is not a tar", Dockerfile: "FROM debian:12\nCOPY app.zip /tmp/\nRUN unzip /tmp/app.zip\n"},
		{Name: "creating an archive", Dockerfile: "FROM debian:12\nCOPY app.tar /tmp/\nRUN tar -cf /tmp/app.tar /etc\n"},
		{Name: "copy from stage", Dockerfile: "FROM debian:12 AS b\nRUN tar -czf /a.tgz /etc\nFROM debian:12\nCOPY --from=b /a.tgz /tmp/\nRUN tar -xzf /tmp/a.tgz\n"},
		{Name: "add already", Dockerfile: "FROM debian:12\nADD app.tar.gz /opt/\n"},
		{Name: "build stage", Dockerfile: "FROM debian:12 AS build\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz\nFROM scratch\nCOPY --from=build /opt /opt\n"},
	})
}
