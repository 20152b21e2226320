package rules

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
)

func TestDL3026(t *testing.T) {
	trust := func(r ...string) func(*config.Config) {
		return func(c *config.Config) { c.TrustedRegistries = r }
	}
	runCases(t, DL3026, []Case{
		{Name: "untrusted", Dockerfile: "FROM quay.io/org/app:1\n", Config: trust("docker.io", "gcr.io"), Fire: true, Lines: []int{1}},
		{Name: "hub image not trusted", Dockerfile: "FROM debian:12\n", Config: trust("registry.example.com"), Fire: true},
		{Name: "untrusted via ARG", Dockerfile: "ARG REG=quay.io\nFROM $REG/org/app:1\n", Config: trust("docker.io"), Fire: true, Lines: []int{2}},
		{Name: "build stage too", Dockerfile: "FROM quay.io/org/tool:1 AS t\nFROM debian:12\n", Config: trust("docker.io"), Fire: true, Lines: []int{1}},
		{Name: "no list trusts only Docker Hub", Dockerfile: "FROM ghcr.io/org/app:1\n", Fire: true},
		{Name: "trusted", Dockerfile: "FROM gcr.io/distroless/static:nonroot\n", Config: trust("gcr.io")},
		{Name: "hub default", Dockerfile: "FROM debian:12\nFROM library/debian:12\n", Config: trust("docker.io")},
		{Name: "hub alias", Dockerfile: "FROM index.docker.io/library/debian:12\n", Config: trust("docker.io")},
		{Name: "wildcard", Dockerfile: "FROM eu.gcr.io/x:1\n", Config: trust("*.gcr.io")},
		{Name: "wildcard is one label", Dockerfile: "FROM a.b.gcr.io/x:1\n", Config: trust("*.gcr.io"), Fire: true, Lines: []int{1}},
		{Name: "double wildcard any depth", Dockerfile: "FROM a.b.gcr.io/x:1\n", Config: trust("**.gcr.io")},
		{Name: "scratch and stages", Dockerfile: "FROM gcr.io/x:1 AS a\nFROM a\nFROM scratch\n", Config: trust("gcr.io")},
		{Name: "unknown ARG", Dockerfile: "ARG IMG\nFROM $IMG\n", Config: trust("gcr.io")},
	})
}
