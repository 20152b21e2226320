package rules

import "testing"

func TestDL3064(t *testing.T) {
	runCases(t, DL3064, []Case{
		{Name: "ARG token", Dockerfile: "FROM debian:12\nARG GITHUB_TOKEN\nRUN true\n", Fire: true, Lines: []int{2}},
		{Name: "fragment, any case", Dockerfile: "FROM debian:12\nENV db_Password=x\n", Fire: true},
		{Name: "second pair of ENV", Dockerfile: "FROM debian:12\nENV A=1 MY_SECRET=2\n", Fire: true, Lines: []int{2}},
		{Name: "hadolint fires on a reference name too", Dockerfile: "FROM debian:12\nENV PASSWORD_FILE=/run/secrets/pw\n", Fire: true},
		{Name: "ONBUILD ENV", Dockerfile: "FROM debian:12\nONBUILD ENV NPM_TOKEN=x\n", Fire: true, Lines: []int{2}},
		{Name: "ONBUILD ARG", Dockerfile: "FROM debian:12\nONBUILD ARG OPENAI_API_KEY\n", Fire: true},
		{Name: "legacy ENV form", Dockerfile: "FROM debian:12\nENV VAULT_TOKEN s.abc\n", Fire: true},
		{Name: "global ARG, multi-stage", Dockerfile: "ARG DOCKER_PASSWORD\nFROM debian:12 AS b\nFROM debian:12\n", Fire: true, Lines: []int{1}},
		{Name: "stage not built under compat", Dockerfile: "FROM debian:12 AS t\nARG SECRET\nFROM debian:12\n", Fire: true, Config: compat},
		{Name: "plain names", Dockerfile: "FROM debian:12\nARG VERSION=1\nENV PATH=/app/bin:$PATH HOME=/app\n"},
		{Name: "secret only in RUN text", Dockerfile: "FROM debian:12\nRUN echo GITHUB_TOKEN=x\n"},
		{Name: "secret mount", Dockerfile: "FROM debian:12\nRUN --mount=type=secret,id=gh,env=GITHUB_TOKEN true\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS t\nARG SECRET\nFROM debian:12\n"},
		{Name: "value, not name", Dockerfile: "FROM debian:12\nENV MODE=token\n"},
		// Ported from hadolint's DL3064Spec (each also as ONBUILD where it
		// uses onBuildRuleCatches).
		{Name: "hadolint: no ARG, no ENV", Dockerfile: "FROM debian:bullseye\nRUN foobar\n", Hadolint: true},
		{Name: "hadolint: ARG no sensitive data", Dockerfile: "ARG foobar\nFROM debian:bullseye\nRUN foobar\n", Hadolint: true},
		{Name: "hadolint: ENV no sensitive data", Dockerfile: "FROM debian:bullseye\nENV foobar=barfoo\nRUN foobar\n", Hadolint: true},
		{Name: "hadolint: ONBUILD ENV no sensitive data", Dockerfile: "FROM debian:bullseye\nONBUILD ENV foobar=barfoo\n", Hadolint: true},
		{Name: "hadolint: ARG with sensitive data", Dockerfile: "ARG AWS_ACCESS_KEY_ID\nFROM debian:bullseye\nRUN foobar\n", Fire: true, Hadolint: true},
		{Name: "hadolint: ARG different casing", Dockerfile: "ARG openai_api_key\nFROM debian:bullseye\nRUN foobar\n", Fire: true, Hadolint: true},
		{Name: "hadolint: ENV with sensitive data", Dockerfile: "FROM debian:bullseye\nENV AWS_ACCESS_KEY_ID=abcdefghijklmnopqrstuvwxyz\nRUN foobar\n", Fire: true, Hadolint: true},
		{Name: "hadolint: ENV different casing", Dockerfile: "FROM debian:bullseye\nENV my_password=abcdefghijklmnopqrstuvwxyz\nRUN foobar\n", Fire: true, Hadolint: true},
		{Name: "hadolint: ONBUILD ENV with sensitive data", Dockerfile: "FROM debian:bullseye\nONBUILD ENV AWS_ACCESS_KEY_ID=abc\n", Fire: true, Hadolint: true},
		{Name: "hadolint: ONBUILD ARG different casing", Dockerfile: "FROM debian:bullseye\nONBUILD ARG openai_api_key\n", Fire: true, Hadolint: true},
	})
}
