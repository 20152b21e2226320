package rules

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
)

func TestDL3056(t *testing.T) {
	schema := func(c *config.Config) { c.LabelSchema = map[string]string{"version": "semver"} }
	runCases(t, DL3056, []Case{
		{Name: "two parts", Dockerfile: "FROM alpine:3\nLABEL version=1.2\n", Config: schema, Fire: true, Lines: []int{2}},
		{Name: "v prefix", Dockerfile: "FROM alpine:3\nLABEL version=v1.2.3\n", Config: schema, Fire: true},
		{Name: "ARG default", Dockerfile: "FROM alpine:3\nARG V=latest\nLABEL version=$V\n", Config: schema, Fire: true},
		{Name: "semver", Dockerfile: "FROM alpine:3\nLABEL version=1.2.3\n", Config: schema},
		{Name: "pre-release and build", Dockerfile: "FROM alpine:3\nLABEL version=2.0.0-rc.1+build.5\n", Config: schema},
		{Name: "ARG semver", Dockerfile: "FROM alpine:3\nARG V=1.0.0\nLABEL version=${V}\n", Config: schema},
		{Name: "unknown ARG", Dockerfile: "FROM alpine:3\nARG V\nLABEL version=$V\n", Config: schema},
		{Name: "build stage", Dockerfile: "FROM alpine:3 AS b\nLABEL version=x\nFROM alpine:3\n", Config: schema},
		{Name: "continuation", Dockerfile: "FROM alpine:3\nLABEL a=1 \\\n  version=1\n", Config: schema, Fire: true},
		{Name: "parent of target", Dockerfile: "FROM alpine:3 AS b\nLABEL version=x\nFROM b\n", Config: schema, Fire: true, Lines: []int{2}},
	})
}
