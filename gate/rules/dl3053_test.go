package rules

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
)

func TestDL3053(t *testing.T) {
	schema := func(c *config.Config) { c.LabelSchema = map[string]string{"built": "rfc3339"} }
	runCases(t, DL3053, []Case{
		{Name: "date only", Dockerfile: "FROM alpine:3\nLABEL built=2024-05-01\n", Config: schema, Fire: true, Lines: []int{2}},
		{Name: "default key", Dockerfile: "FROM alpine:3\nLABEL org.label-schema.build-date=yesterday\n", Fire: true},
		{Name: "ARG default", Dockerfile: "FROM alpine:3\nARG D=now\nLABEL built=$D\n", Config: schema, Fire: true},
		{Name: "valid", Dockerfile: "FROM alpine:3\nLABEL built=2024-05-01T12:00:00+02:00\n", Config: schema},
		{Name: "build arg", Dockerfile: "FROM alpine:3\nARG D\nLABEL built=$D\n", Config: schema, BuildArgs: map[string]string{"D": "2024-05-01T12:00:00Z"}},
		{Name: "unknown ARG", Dockerfile: "FROM alpine:3\nARG D\nLABEL built=$D\n", Config: schema},
		{Name: "build stage", Dockerfile: "FROM alpine:3 AS b\nLABEL built=x\nFROM alpine:3\n", Config: schema},
		{Name: "continuation", Dockerfile: "FROM alpine:3\nLABEL a=1 \\\n  built=2024\n", Config: schema, Fire: true},
		{Name: "parent of target", Dockerfile: "FROM alpine:3 AS b\nLABEL built=x\nFROM b\n", Config: schema, Fire: true, Lines: []int{2}},
		{Name: "UTC", Dockerfile: "FROM alpine:3\nLABEL built=2024-05-01T12:00:00Z\n", Config: schema},
	})
}
