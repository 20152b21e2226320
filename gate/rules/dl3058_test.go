package rules

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
)

func TestDL3058(t *testing.T) {
	schema := func(c *config.Config) { c.LabelSchema = map[string]string{"contact": "email"} }
	runCases(t, DL3058, []Case{
		{Name: "name only", Dockerfile: "FROM alpine:3\nLABEL contact=\"Platform Team\"\n", Config: schema, Fire: true, Lines: []int{2}},
		{Name: "default key", Dockerfile: "FROM alpine:3\nLABEL org.opencontainers.image.authors=me@\n", Fire: true},
		{Name: "ARG default", Dockerfile: "FROM alpine:3\nARG C=nobody\nLABEL contact=$C\n", Config: schema, Fire: true},
		{Name: "address", Dockerfile: "FROM alpine:3\nLABEL contact=team@example.com\n", Config: schema},
		{Name: "display name", Dockerfile: "FROM alpine:3\nLABEL contact=\"Team <team@example.com>, b@example.com\"\n", Config: schema},
		{Name: "unknown ARG", Dockerfile: "FROM alpine:3\nARG C\nLABEL contact=$C\n", Config: schema},
		{Name: "build stage", Dockerfile: "FROM alpine:3 AS b\nLABEL contact=x\nFROM alpine:3\n", Config: schema},
		{Name: "continuation", Dockerfile: "FROM alpine:3\nLABEL a=1 \\\n  contact=team\n", Config: schema, Fire: true},
		{Name: "parent of target", Dockerfile: "FROM alpine:3 AS b\nLABEL contact=x\nFROM b\n", Config: schema, Fire: true, Lines: []int{2}},
		{Name: "plus address", Dockerfile: "FROM alpine:3\nLABEL contact=team+ci@example.com\n", Config: schema},
	})
}
