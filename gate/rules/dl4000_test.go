package rules

import "testing"

func TestDL4000(t *testing.T) {
	runCases(t, DL4000, []Case{
		{Name: "maintainer", Dockerfile: "FROM alpine:3\nMAINTAINER Jane <jane@example.com>\n", Fire: true, Lines: []int{2}},
		{Name: "lower case in build stage", Dockerfile: "FROM alpine:3 AS b\nmaintainer me\nFROM alpine:3\n", Fire: true, Lines: []int{2}},
		{Name: "label", Dockerfile: "FROM alpine:3\nLABEL maintainer=me\n"},
		{Name: "text in RUN", Dockerfile: "FROM alpine:3\nRUN echo MAINTAINER me\n"},
	})
}
