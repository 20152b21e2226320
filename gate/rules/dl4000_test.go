package rules

import "testing"

func TestDL4000(t *testing.T) {
	runCases(t, DL4000, []Case{
		{Name: "maintainer", Dockerfile: "FROM alpine:3\nMAINTAINER Jane <jane@example.com>\n", Fire: true, Lines: []int{2}},
		{Name: "lower case in build stage", Dockerfile: "FROM alpine:3 AS b\nmaintainer me\nFROM alpine:3\n", Fire: true, Lines: []int{2}},
		{Name: "label", Dockerfile: "FROM alpine:3\nLABEL maintainer=me\n"},
		{Name: "text in RUN", Dockerfile: "FROM alpine:3\nRUN echo MAINTAINER me\n"},
		{Name: "continuation", Dockerfile: "FROM alpine:3\nMAINTAINER Jane \\\n  <jane@example.com>\n", Fire: true, Lines: []int{2}},
		{Name: "in every stage", Dockerfile: "FROM alpine:3 AS a\nMAINTAINER a\nFROM alpine:3\nMAINTAINER b\n", Fire: true, Lines: []int{2, 4}},
		{Name: "in an unbuilt stage", Dockerfile: "FROM alpine:3 AS x\nMAINTAINER me\nFROM scratch\n", Fire: true},
		{Name: "LABEL with continuation", Dockerfile: "FROM alpine:3\nLABEL org.opencontainers.image.authors=me \\\n  maintainer=me\n"},
		{Name: "ONBUILD LABEL", Dockerfile: "FROM alpine:3\nONBUILD LABEL maintainer=me\n"},
		{Name: "heredoc text", Dockerfile: "FROM alpine:3\nRUN <<EOF\necho MAINTAINER\nEOF\n"},
	})
}
