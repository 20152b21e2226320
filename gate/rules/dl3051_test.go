package rules

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
)

func TestDL3051(t *testing.T) {
	schema := func(c *config.Config) { c.LabelSchema = map[string]string{"owner": "text"} }
	runCases(t, DL3051, []Case{
		{Name: "empty schema label", Dockerfile: "FROM alpine:3\nLABEL owner=\"\"\n", Config: schema, Fire: true, Lines: []int{2}},
		{Name: "empty default-typed label", Dockerfile: "FROM alpine:3\nLABEL org.opencontainers.image.revision=''\n", Fire: true},
		{Name: "ARG with empty default", Dockerfile: "FROM alpine:3\nARG O=\nLABEL owner=$O\n", Config: schema, Fire: true},
		{Name: "filled", Dockerfile: "FROM alpine:3\nLABEL owner=team\n", Config: schema},
		{Name: "not in schema", Dockerfile: "FROM alpine:3\nLABEL other=\"\"\n", Config: schema},
		{Name: "ARG without value", Dockerfile: "FROM alpine:3\nARG O\nLABEL owner=$O\n", Config: schema},
		{Name: "build stage", Dockerfile: "FROM alpine:3 AS b\nLABEL owner=\"\"\nFROM alpine:3\nCOPY --from=b /a /a\n", Config: schema},
		{Name: "continuation", Dockerfile: "FROM alpine:3\nLABEL a=1 \\\n  owner=\"\"\n", Config: schema, Fire: true},
		{Name: "parent of target", Dockerfile: "FROM alpine:3 AS b\nLABEL owner=\"\"\nFROM b\n", Config: schema, Fire: true, Lines: []int{2}},
		{Name: "space only counts as a value", Dockerfile: "FROM alpine:3\nLABEL owner=\"x y\"\n", Config: schema},
	})
}
