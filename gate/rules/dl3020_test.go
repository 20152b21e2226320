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
		{Name: "stage not built under compat", Dockerfile: "FROM debian:12 AS x\nADD a.conf /etc/\nFROM scratch\n", Fire: true, Config: compat},
		// Ported from hadolint's DL3020Spec.
		{Name: "hadolint: tar", Dockerfile: "FROM debian:12\nADD file.tar /usr/src/app/\n", Hadolint: true},
		{Name: "hadolint: gzip", Dockerfile: "FROM debian:12\nADD file.gz /usr/src/app/\n", Hadolint: true},
		{Name: "hadolint: bz2", Dockerfile: "FROM debian:12\nADD file.bz2 /usr/src/app/\n", Hadolint: true},
		{Name: "hadolint: xz", Dockerfile: "FROM debian:12\nADD file.xz /usr/src/app/\n", Hadolint: true},
		{Name: "hadolint: tgz", Dockerfile: "FROM debian:12\nADD file.tgz /usr/src/app/\n", Hadolint: true},
		{Name: "hadolint: url", Dockerfile: "FROM debian:12\nADD http://file.com /usr/src/app/\n", Hadolint: true},
		{Name: "hadolint: tgz with quotes", Dockerfile: "FROM debian:12\nADD \"file.tgz\" /usr/src/app/\n", Hadolint: true},
		{Name: "hadolint: url with quotes", Dockerfile: "FROM debian:12\nADD \"http://file.com\" /usr/src/app/\n", Hadolint: true},
		{Name: "hadolint: using add", Dockerfile: "FROM debian:12\nADD file /usr/src/app/\n", Fire: true, Hadolint: true},
		{Name: "hadolint: zip", Dockerfile: "FROM debian:12\nADD file.zip /usr/src/app/\n", Fire: true, Hadolint: true},
		{Name: "hadolint: zip with quotes", Dockerfile: "FROM debian:12\nADD \"file.zip\" /usr/src/app/\n", Fire: true, Hadolint: true},
	})
}
