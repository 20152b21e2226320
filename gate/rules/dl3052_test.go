package rules

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
)

func TestDL3052(t *testing.T) {
	schema := func(c *config.Config) { c.LabelSchema = map[string]string{"docs": "url"} }
	runCases(t, DL3052, []Case{
		{Name: "no scheme", Dockerfile: "FROM alpine:3\nLABEL docs=example.com/docs\n", Config: schema, Fire: true, Lines: []int{2}},
		{Name: "default OCI key", Dockerfile: "FROM alpine:3\nLABEL org.opencontainers.image.source=\"git repo\"\n", Fire: true},
		{Name: "ARG-expanded", Dockerfile: "FROM alpine:3\nARG U=nowhere\nLABEL docs=$U\n", Config: schema, Fire: true},
		{Name: "https", Dockerfile: "FROM alpine:3\nLABEL docs=https://example.com/docs\n", Config: schema},
		{Name: "ARG-expanded URL", Dockerfile: "FROM alpine:3\nARG R=example/app\nLABEL org.opencontainers.image.source=https://github.com/${R}\n"},
		{Name: "unknown ARG", Dockerfile: "FROM alpine:3\nARG U\nLABEL docs=$U\n", Config: schema},
		{Name: "not url-typed", Dockerfile: "FROM alpine:3\nLABEL other=x\n", Config: schema},
		{Name: "build stage", Dockerfile: "FROM alpine:3 AS b\nLABEL docs=x\nFROM alpine:3\n", Config: schema},
		{Name: "continuation", Dockerfile: "FROM alpine:3\nLABEL a=1 \\\n  docs=ftp\n", Config: schema, Fire: true},
		{Name: "parent of target", Dockerfile: "FROM alpine:3 AS b\nLABEL docs=x\nFROM b\n", Config: schema, Fire: true, Lines: []int{2}},
	})
}
