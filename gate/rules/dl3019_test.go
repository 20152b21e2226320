package rules

import "testing"

func TestDL3019(t *testing.T) {
	runCases(t, DL3019, []Case{
		{Name: "missing", Dockerfile: "FROM alpine:3\nRUN apk add curl=8\n", Fire: true, Lines: []int{2}},
		{Name: "with update", Dockerfile: "FROM alpine:3\nRUN apk update && apk add curl=8\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM alpine:3\nRUN <<EOF\napk add curl=8\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "present", Dockerfile: "FROM alpine:3\nRUN apk add --no-cache curl=8\n"},
		{Name: "before subcommand", Dockerfile: "FROM alpine:3\nRUN apk --no-cache add curl=8\n"},
		{Name: "cache removed", Dockerfile: "FROM alpine:3\nRUN apk add curl=8 && rm -rf /var/cache/apk/*\n"},
		{Name: "cache mount", Dockerfile: "FROM alpine:3\nRUN --mount=type=cache,target=/var/cache/apk apk add curl=8\n"},
		{Name: "build stage", Dockerfile: "FROM alpine:3 AS build\nRUN apk add gcc=13\nFROM scratch\nCOPY --from=build /a /a\n"},
		{Name: "exec form", Dockerfile: "FROM alpine:3\nRUN [\"apk\", \"add\", \"curl=8\"]\n", Fire: true},
		{Name: "continuation chain", Dockerfile: "FROM alpine:3\nRUN apk update && \\\n    apk add curl=8 || true\n", Fire: true, Lines: []int{3}},
	})
}
