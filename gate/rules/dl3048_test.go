package rules

import "testing"

func TestDL3048(t *testing.T) {
	runCases(t, DL3048, []Case{
		{Name: "upper case", Dockerfile: "FROM alpine:3\nLABEL Maintainer=me\n", Fire: true, Lines: []int{2}},
		{Name: "reserved namespace", Dockerfile: "FROM alpine:3\nLABEL com.docker.thing=x\n", Fire: true},
		{Name: "underscore", Dockerfile: "FROM alpine:3\nLABEL build_date=x\n", Fire: true},
		{Name: "consecutive separators", Dockerfile: "FROM alpine:3\nLABEL com..example=x\n", Fire: true},
		{Name: "quoted bad key", Dockerfile: "FROM alpine:3\nLABEL \"My Key\"=x\n", Fire: true},
		{Name: "ARG-expanded key", Dockerfile: "FROM alpine:3\nARG K=Bad_Key\nLABEL $K=x\n", Fire: true},
		{Name: "parent stage", Dockerfile: "FROM alpine:3 AS base\nLABEL Bad=x\nFROM base\n", Fire: true, Lines: []int{2}},
		{Name: "good keys", Dockerfile: "FROM alpine:3\nLABEL maintainer=me org.opencontainers.image.source=https://x \"com.example.v2\"=y\n"},
		{Name: "legacy form", Dockerfile: "FROM alpine:3\nLABEL description some words\n"},
		{Name: "unknown ARG key", Dockerfile: "FROM alpine:3\nARG K\nLABEL $K=x\n"},
		{Name: "build stage", Dockerfile: "FROM alpine:3 AS b\nLABEL Bad=x\nFROM alpine:3\nCOPY --from=b /a /a\n"},
	})
}
