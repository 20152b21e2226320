package rules

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
)

func TestDL3050(t *testing.T) {
	strict := func(c *config.Config) { c.LabelSchema = map[string]string{"owner": "text"}; c.StrictLabels = true }
	lax := func(c *config.Config) { c.LabelSchema = map[string]string{"owner": "text"} }
	runCases(t, DL3050, []Case{
		{Name: "extra label", Dockerfile: "FROM alpine:3\nLABEL owner=a extra=b\n", Config: strict, Fire: true, Lines: []int{2}},
		{Name: "ARG-expanded key", Dockerfile: "FROM alpine:3\nARG K=extra\nLABEL $K=b\n", Config: strict, Fire: true},
		{Name: "no schema: non-standard key", Dockerfile: "FROM alpine:3\nLABEL version=1\n", Fire: true},
		{Name: "only schema keys", Dockerfile: "FROM alpine:3\nLABEL owner=a\n", Config: strict},
		{Name: "not strict", Dockerfile: "FROM alpine:3\nLABEL extra=b\n", Config: lax},
		{Name: "build stage", Dockerfile: "FROM alpine:3 AS b\nLABEL extra=b\nFROM alpine:3\nLABEL owner=a\n", Config: strict},
		{Name: "no schema: standard keys", Dockerfile: "FROM alpine:3\nLABEL maintainer=me org.opencontainers.image.title=x\n"},
		{Name: "continuation", Dockerfile: "FROM alpine:3\nLABEL owner=a \\\n  extra=b\n", Config: strict, Fire: true, Lines: []int{2}},
		{Name: "multi-stage final", Dockerfile: "FROM alpine:3 AS b\nLABEL owner=a\nFROM b\nLABEL extra=c\n", Config: strict, Fire: true, Lines: []int{4}},
		{Name: "parent stage keys", Dockerfile: "FROM alpine:3 AS b\nLABEL owner=a\nFROM b\n", Config: strict},
	})
}
