package rules

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
)

func TestDL3054(t *testing.T) {
	schema := func(c *config.Config) { c.LabelSchema = map[string]string{"license": "spdx"} }
	runCases(t, DL3054, []Case{
		{Name: "free text", Dockerfile: "FROM alpine:3\nLABEL license=\"Apache 2\"\n", Config: schema, Fire: true, Lines: []int{2}},
		{Name: "default key", Dockerfile: "FROM alpine:3\nLABEL org.opencontainers.image.licenses=\"MIT/Apache\"\n", Fire: true},
		{Name: "dangling operator", Dockerfile: "FROM alpine:3\nLABEL license=\"MIT OR\"\n", Config: schema, Fire: true},
		{Name: "simple", Dockerfile: "FROM alpine:3\nLABEL license=Apache-2.0\n", Config: schema},
		{Name: "compound", Dockerfile: "FROM alpine:3\nLABEL license=\"(MIT OR Apache-2.0) AND GPL-2.0+ WITH Classpath-exception-2.0\"\n", Config: schema},
		{Name: "LicenseRef", Dockerfile: "FROM alpine:3\nLABEL license=LicenseRef-Proprietary\n", Config: schema},
		{Name: "unknown ARG", Dockerfile: "FROM alpine:3\nARG L\nLABEL license=$L\n", Config: schema},
		{Name: "build stage", Dockerfile: "FROM alpine:3 AS b\nLABEL license=\"x y\"\nFROM alpine:3\n", Config: schema},
		{Name: "continuation", Dockerfile: "FROM alpine:3\nLABEL a=1 \\\n  license=\"a b\"\n", Config: schema, Fire: true},
		{Name: "parent of target", Dockerfile: "FROM alpine:3 AS b\nLABEL license=\"x y\"\nFROM b\n", Config: schema, Fire: true, Lines: []int{2}},
	})
}
