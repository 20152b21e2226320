package rules

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
)

func TestCG1002(t *testing.T) {
	trust := func(p ...string) func(*config.Config) {
		return func(c *config.Config) { c.TrustedRegistries = p }
	}
	runCases(t, CG1002, []Case{
		// Unconfigured: only registries addressed by IP or localhost.
		{Name: "IP registry", Dockerfile: "FROM 10.0.4.12:5000/base:1\n", Fire: true, Lines: []int{1}},
		{Name: "localhost registry", Dockerfile: "FROM localhost:5000/base:1\n", Fire: true},
		{Name: "IP registry via ARG", Dockerfile: "ARG REG=192.168.1.10:5000\nFROM ${REG}/app:1\n", Fire: true, Lines: []int{2}},
		{Name: "unconfigured hub", Dockerfile: "FROM debian:12\n"},
		{Name: "unconfigured named registry", Dockerfile: "FROM quay.io/org/app:1\n"},
		// Configured.
		{Name: "untrusted hub", Dockerfile: "FROM debian:12\n", Config: trust("ghcr.io"), Fire: true, Lines: []int{1}},
		{Name: "trusted hub implicit", Dockerfile: "FROM debian:12\n", Config: trust("docker.io")},
		{Name: "host wildcard", Dockerfile: "FROM registry.example.com/app:1\n", Config: trust("*.example.com")},
		{Name: "host wildcard miss", Dockerfile: "FROM example.com.evil.io/app:1\n", Config: trust("*.example.com"), Fire: true},
		{Name: "host wildcard is one label", Dockerfile: "FROM a.b.example.com/app:1\n", Config: trust("*.example.com"), Fire: true, Lines: []int{1}},
		{Name: "host double wildcard any depth", Dockerfile: "FROM a.b.example.com/app:1\n", Config: trust("**.example.com")},
		{Name: "org wildcard", Dockerfile: "FROM ghcr.io/crank/app:1\n", Config: trust("ghcr.io/crank/*")},
		{Name: "org wildcard other org", Dockerfile: "FROM ghcr.io/evil/app:1\n", Config: trust("ghcr.io/crank/*"), Fire: true},
		{Name: "org wildcard nested needs **", Dockerfile: "FROM ghcr.io/crank/team/app:1\n", Config: trust("ghcr.io/crank/*"), Fire: true},
		{Name: "org double wildcard nested", Dockerfile: "FROM ghcr.io/crank/team/app:1\n", Config: trust("ghcr.io/crank/**")},
		{Name: "hub library pattern", Dockerfile: "FROM alpine:3.20\n", Config: trust("docker.io/library/*")},
		{Name: "COPY --from image", Dockerfile: "FROM ghcr.io/crank/base:1\nCOPY --from=quay.io/x/tool:1 /t /t\n", Config: trust("ghcr.io"), Fire: true, Lines: []int{2}},
		{Name: "RUN mount from image", Dockerfile: "FROM ghcr.io/crank/base:1\nRUN --mount=from=quay.io/x/tool:1,target=/t true\n", Config: trust("ghcr.io"), Fire: true, Lines: []int{2}},
		{Name: "stage not built", Dockerfile: "FROM quay.io/x/tool:1 AS tools\nFROM ghcr.io/crank/base:1\n", Config: trust("ghcr.io")},
		{Name: "stage reference and scratch", Dockerfile: "FROM ghcr.io/crank/base:1 AS b\nFROM b\nFROM scratch\nCOPY --from=b /a /a\n", Config: trust("ghcr.io")},
		{Name: "unknown ARG", Dockerfile: "ARG IMG\nFROM $IMG\n", Config: trust("ghcr.io")},
		{Name: "build arg resolves untrusted", Dockerfile: "ARG IMG\nFROM $IMG\n", BuildArgs: map[string]string{"IMG": "quay.io/x/y:1"}, Config: trust("ghcr.io"), Fire: true},
	})
}
