package rules

import "testing"

func TestDL3048(t *testing.T) {
	cases := []Case{
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
		{Name: "build stage under compat", Dockerfile: "FROM alpine:3 AS b\nLABEL Bad=x\nFROM alpine:3\nCOPY --from=b /a /a\n", Fire: true, Config: compat},
		{Name: "continuation", Dockerfile: "FROM alpine:3\nLABEL com.example.a=1 \\\n      com.example.B=2\n", Fire: true, Lines: []int{2}},
		{Name: "continuation good", Dockerfile: "FROM alpine:3\nLABEL com.example.a=1 \\\n      com.example.b=2\n"},
		{Name: "declared ARG in key with a default", Dockerfile: "FROM alpine:3\nARG NS=com.example\nLABEL ${NS}.role=web\n"},
	}
	cases = append(cases, hadolintCases(true, "LABEL com.docker.label=\"foo\"", "LABEL io.docker.label=\"foo\"",
		"LABEL org.dockerproject.label=\"foo\"", "LABEL invalid$character=\"foo\"", "LABEL .invalid =\"foo\"",
		"LABEL -invalid =\"foo\"", "LABEL 1invalid =\"foo\"", "LABEL invalid..character=\"foo\"", "LABEL invalid--character=\"foo\"",
		"ONBUILD LABEL com.docker.label=\"foo\"", "ONBUILD LABEL invalid$character=\"foo\"", "ONBUILD LABEL .invalid=\"foo\"",
		"ONBUILD LABEL 1invalid=\"foo\"", "ONBUILD LABEL invalid--character=\"foo\"")...)
	cases = append(cases, hadolintCases(false, "LABEL org.valid-key.label3=\"foo\"", "LABEL validlabel=\"foo\"",
		"ONBUILD LABEL org.valid-key.label3=\"foo\"", "ONBUILD LABEL validlabel=\"foo\"")...)
	runCases(t, DL3048, cases)
}
