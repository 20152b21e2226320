package rules

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
)

func TestCG5001(t *testing.T) {
	const from = "FROM gcr.io/distroless/static-debian12\n"
	runCases(t, CG5001, []Case{
		{Name: "no USER", Dockerfile: from + "COPY app /app\n", Fire: true, Lines: []int{1}},
		{Name: "named user", Dockerfile: from + "USER worker\n", Fire: true, Lines: []int{2}},
		{Name: "root", Dockerfile: from + "USER root\n", Fire: true},
		{Name: "uid 0", Dockerfile: from + "USER 0:0\n", Fire: true},
		{Name: "uid 00", Dockerfile: from + "USER 00\n", Fire: true},
		{Name: "other uid", Dockerfile: from + "USER 65532\n", Fire: true},
		{Name: "root last after non-root", Dockerfile: from + "USER 1000\nRUN true\nUSER root\n", Fire: true, Lines: []int{4}},
		{Name: "ARG without value", Dockerfile: from + "ARG UID\nUSER ${UID}\n", Fire: true, Lines: []int{3}},
		{Name: "ARG default non-root name", Dockerfile: from + "ARG USERNAME=app\nUSER $USERNAME\n", Fire: true},
		{Name: "inherited from parent stage", Dockerfile: "FROM debian:12 AS base\nUSER worker\nFROM base\nRUN true\n", Fire: true, Lines: []int{2}},
		{Name: "build stage ok, target not", Dockerfile: "FROM golang:1.26 AS build\nUSER 1000\nFROM scratch\nCOPY --from=build /a /a\n", Fire: true, Lines: []int{3}},
		{Name: "numeric with group", Dockerfile: from + "USER 1000:1000\n"},
		{Name: "numeric", Dockerfile: from + "USER 1000\n"},
		{Name: "ARG default", Dockerfile: from + "ARG UID=1000\nUSER ${UID}:${UID}\n"},
		{Name: "ARG with fallback", Dockerfile: from + "ARG UID\nUSER ${UID:-1000}\n"},
		{Name: "build arg", Dockerfile: from + "ARG UID\nUSER $UID\n", BuildArgs: map[string]string{"UID": "1000"}},
		{Name: "builder runs as root", Dockerfile: "FROM golang:1.26 AS build\nUSER root\nFROM scratch\nCOPY --from=build /a /a\nUSER 1000\n"},
		{Name: "target flag picks good stage", Dockerfile: "FROM debian:12 AS prod\nUSER 1000\nFROM debian:12 AS debug\nUSER root\n", Target: "prod"},
		{Name: "inherited numeric", Dockerfile: "FROM debian:12 AS base\nUSER 1000\nFROM base\nRUN true\n"},
		{Name: "configured uid", Dockerfile: from + "USER 65532:65532\n", Config: func(c *config.Config) { c.RequiredUID = "65532" }},
		{Name: "no required uid accepts any non-root", Dockerfile: from + "USER 4242\n", Config: func(c *config.Config) { c.RequiredUID = "" }},
	})
}
