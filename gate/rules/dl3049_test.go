package rules

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
)

func TestDL3049(t *testing.T) {
	schema := func(c *config.Config) {
		c.LabelSchema = map[string]string{"owner": "text", "org.opencontainers.image.source": "url"}
	}
	runCases(t, DL3049, []Case{
		{Name: "missing from schema", Dockerfile: "FROM alpine:3\nLABEL owner=team\n", Config: schema, Fire: true, Lines: []int{1}},
		{Name: "default schema", Dockerfile: "FROM alpine:3\nLABEL a=b\n", Fire: true, Lines: []int{1}},
		{Name: "only on a build stage", Dockerfile: "FROM alpine:3 AS b\nLABEL owner=t org.opencontainers.image.source=https://x\nFROM alpine:3\nCOPY --from=b /a /a\n", Config: schema, Fire: true, Lines: []int{3, 3}},
		{Name: "present", Dockerfile: "FROM alpine:3\nLABEL owner=team \\\n  org.opencontainers.image.source=https://x\n", Config: schema},
		{Name: "inherited from parent stage", Dockerfile: "FROM alpine:3 AS base\nLABEL owner=team org.opencontainers.image.source=https://x\nFROM base\n", Config: schema},
		{Name: "ARG-expanded key", Dockerfile: "FROM alpine:3\nARG K=owner\nLABEL $K=team org.opencontainers.image.source=https://x\n", Config: schema},
		{Name: "unknown key", Dockerfile: "FROM alpine:3\nARG K\nLABEL $K=team\n", Config: schema},
		{Name: "missing on the target of several", Dockerfile: "FROM alpine:3 AS a\nLABEL owner=t org.opencontainers.image.source=https://x\nFROM alpine:3 AS b\n", Config: schema, Fire: true},
		{Name: "continuation with one missing", Dockerfile: "FROM alpine:3\nLABEL owner=team \\\n  other=x\n", Config: schema, Fire: true},
		{Name: "present with continuation in the parent chain", Dockerfile: "FROM alpine:3 AS base\nLABEL owner=team\nFROM base\nLABEL \\\n  org.opencontainers.image.source=https://x\n", Config: schema},
	})
}
