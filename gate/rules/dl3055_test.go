package rules

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
)

func TestDL3055(t *testing.T) {
	schema := func(c *config.Config) { c.LabelSchema = map[string]string{"commit": "hash"} }
	runCases(t, DL3055, []Case{
		{Name: "branch", Dockerfile: "FROM alpine:3\nLABEL commit=main\n", Config: schema, Fire: true, Lines: []int{2}},
		{Name: "default key", Dockerfile: "FROM alpine:3\nLABEL org.label-schema.vcs-ref=v1.2.3\n", Fire: true},
		{Name: "ARG default", Dockerfile: "FROM alpine:3\nARG C=dev\nLABEL commit=$C\n", Config: schema, Fire: true},
		{Name: "full", Dockerfile: "FROM alpine:3\nLABEL commit=0f3c5e0a1b2c3d4e5f60718293a4b5c6d7e8f901\n", Config: schema},
		{Name: "short", Dockerfile: "FROM alpine:3\nLABEL commit=0f3c5e0\n", Config: schema},
		{Name: "unknown ARG", Dockerfile: "FROM alpine:3\nARG C\nLABEL commit=$C\n", Config: schema},
		{Name: "build stage", Dockerfile: "FROM alpine:3 AS b\nLABEL commit=main\nFROM alpine:3\n", Config: schema},
		{Name: "continuation", Dockerfile: "FROM alpine:3\nLABEL a=1 \\\n  commit=HEAD\n", Config: schema, Fire: true},
		{Name: "parent of target", Dockerfile: "FROM alpine:3 AS b\nLABEL commit=main\nFROM b\n", Config: schema, Fire: true, Lines: []int{2}},
		{Name: "upper-case hex", Dockerfile: "FROM alpine:3\nLABEL commit=0F3C5E0A1B2C3D4E5F60718293A4B5C6D7E8F901\n", Config: schema},
	})
}
