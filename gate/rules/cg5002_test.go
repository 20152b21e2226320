package rules

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
)

func TestCG5002(t *testing.T) {
	runCases(t, CG5002, []Case{
		{Name: "missing", Dockerfile: "FROM alpine:3.20\nUSER 1000\n", Fire: true, Lines: []int{1}},
		{Name: "only in build stage", Dockerfile: "FROM alpine:3.20 AS build\nHEALTHCHECK CMD true\nFROM scratch\nCOPY --from=build /a /a\n", Fire: true, Lines: []int{3}},
		{Name: "text mentions it", Dockerfile: "FROM alpine:3.20\nRUN echo HEALTHCHECK CMD true\n", Fire: true},
		{Name: "present", Dockerfile: "FROM alpine:3.20\nHEALTHCHECK CMD wget -qO- http://localhost:8080/health || exit 1\n"},
		{Name: "exec form", Dockerfile: "FROM scratch\nHEALTHCHECK --interval=30s CMD [\"/app\", \"health\"]\n"},
		{Name: "explicit NONE", Dockerfile: "FROM alpine:3.20\nHEALTHCHECK NONE\n"},
		{Name: "inherited from parent stage", Dockerfile: "FROM alpine:3.20 AS base\nHEALTHCHECK CMD true\nFROM base\nUSER 1000\n"},
		{Name: "target is build stage with check", Dockerfile: "FROM alpine:3.20 AS a\nHEALTHCHECK NONE\nFROM scratch\n", Target: "a"},
		{Name: "not required", Dockerfile: "FROM alpine:3.20\n", Config: func(c *config.Config) { c.RequireHealthcheck = false }},
		{Name: "multi-stage final without", Dockerfile: "FROM alpine:3.20 AS base\nRUN true\nFROM alpine:3.20\nCMD [\"/app\"]\n", Fire: true, Lines: []int{3}},
		{Name: "ONBUILD HEALTHCHECK is not this image", Dockerfile: "FROM alpine:3.20\nONBUILD HEALTHCHECK CMD true\n", Fire: true},
	})
}
