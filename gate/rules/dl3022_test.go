package rules

import "testing"

func TestDL3022(t *testing.T) {
	runCases(t, DL3022, []Case{
		{Name: "typo", Dockerfile: "FROM golang:1 AS build\nFROM scratch\nCOPY --from=biuld /a /a\n", Fire: true, Lines: []int{3}},
		{Name: "later stage", Dockerfile: "FROM scratch AS a\nCOPY --from=b /x /x\nFROM debian:12 AS b\n", Fire: true, Lines: []int{2}},
		{Name: "later index", Dockerfile: "FROM debian:12\nCOPY --from=1 /x /x\nFROM debian:12\n", Fire: true},
		{Name: "ARG names missing stage", Dockerfile: "ARG SRC=bilud\nFROM golang:1 AS build\nFROM scratch\nARG SRC\nCOPY --from=$SRC /a /a\n", Fire: true},
		{Name: "alias", Dockerfile: "FROM golang:1 AS build\nFROM scratch\nCOPY --from=build /a /a\n"},
		{Name: "alias case", Dockerfile: "FROM golang:1 AS Build\nFROM scratch\nCOPY --from=BUILD /a /a\n"},
		{Name: "index", Dockerfile: "FROM golang:1\nFROM scratch\nCOPY --from=0 /a /a\n"},
		{Name: "image reference", Dockerfile: "FROM scratch\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\nCOPY --from=ghcr.io/org/tool /t /t\n"},
		{Name: "alias from ARG", Dockerfile: "ARG SRC=build\nFROM golang:1 AS build\nFROM scratch\nARG SRC\nCOPY --from=$SRC /a /a\n"},
		{Name: "unknown ARG", Dockerfile: "FROM scratch\nARG SRC\nCOPY --from=$SRC /a /a\n"},
		{Name: "own alias is DL3023", Dockerfile: "FROM golang:1 AS build\nCOPY --from=build /a /a\n"},
		{Name: "bare image name", Dockerfile: "FROM scratch\nCOPY --from=nginx /etc/nginx /etc/nginx\n", Fire: true},
		{Name: "COPY --link and --chown", Dockerfile: "FROM golang:1 AS build\nFROM scratch\nCOPY --link --chown=1000 --from=buidl /a /a\n", Fire: true},
		{Name: "index from ARG", Dockerfile: "FROM golang:1\nFROM scratch\nARG I=0\nCOPY --from=$I /a /a\n"},
		{Name: "digest reference", Dockerfile: "FROM scratch\nCOPY --from=busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000 /bin/sh /sh\n"},
		// Ported from hadolint's DL3022Spec.
		{Name: "hadolint: missing alias", Dockerfile: "COPY --from=foo bar .\n", Fire: true, Hadolint: true},
		{Name: "hadolint: alias defined after", Dockerfile: "FROM scratch\nCOPY --from=build foo .\nFROM node as build\nRUN baz\n", Fire: true, Hadolint: true},
		{Name: "hadolint: invalid stage count", Dockerfile: "COPY --from=0 bar .\n", Fire: true, Hadolint: true},
		{Name: "hadolint: defined alias", Dockerfile: "FROM scratch as build\nRUN foo\nFROM node\nCOPY --from=build foo .\nRUN baz\n", Hadolint: true},
		{Name: "hadolint: external image", Dockerfile: "FROM scratch\nCOPY --from=haskell:latest bar .\n", Hadolint: true},
		{Name: "hadolint: valid stage count", Dockerfile: "FROM scratch as build\nRUN foo\nFROM node\nCOPY --from=0 foo .\n", Hadolint: true},
		{Name: "hadolint: valid stage count unnamed", Dockerfile: "FROM scratch\nRUN foo\nFROM node\nCOPY --from=0 foo .\n", Hadolint: true},
	})
}
