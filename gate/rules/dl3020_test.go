package rules

import "testing"

func TestDL3020(t *testing.T) {
	runCases(t, DL3020, []Case{
		{Name: "file", Dockerfile: "FROM debian:12\nADD app.conf /etc/app/\n", Fire: true, Lines: []int{2}},
		{Name: "folder", Dockerfile: "FROM debian:12\nADD --chown=1000 src/ /app/\n", Fire: true},
		{Name: "file from ARG", Dockerfile: "FROM debian:12\nARG F=app.conf\nADD $F /etc/\n", Fire: true},
		{Name: "exec form", Dockerfile: "FROM debian:12\nADD [\"a b.txt\", \"/x/\"]\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM debian:12\nADD <<EOF /etc/app.conf\nk=v\nEOF\n", Fire: true},
		{Name: "archive", Dockerfile: "FROM debian:12\nADD rootfs.tar.xz /\n"},
		{Name: "url", Dockerfile: "FROM debian:12\nADD https://example.com/app.bin /usr/local/bin/\n"},
		{Name: "git", Dockerfile: "FROM debian:12\nADD git@github.com:org/repo.git /src\n"},
		{Name: "archive from ARG", Dockerfile: "FROM debian:12\nARG V=1.2\nADD app-${V}.tar.gz /opt/\n"},
		{Name: "unknown variable", Dockerfile: "FROM debian:12\nARG SRC\nADD $SRC /opt/\n"},
		{Name: "copy", Dockerfile: "FROM debian:12\nCOPY app.conf /etc/app/\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS old\nADD a /a\nFROM debian:12\n"},
	})
}
