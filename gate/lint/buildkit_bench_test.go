package lint

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/rules"
)

// BenchmarkCorpusBuildKit lints the shared corpus with the default
// catalogue, without and with BuildKit's own checks: the difference is
// what turning them on costs (go test -bench CorpusBuildKit -cpuprofile).
func BenchmarkCorpusBuildKit(b *testing.B) {
	inputs := corpusFiles(b)
	without := rules.WithoutBuildKit()
	on := config.Default()
	on.BuildKitChecks = true
	for _, c := range []struct {
		name string
		cat  []rules.Rule
	}{{"without", without}, {"with", rules.All()}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				Lint(inputs, Options{Catalogue: c.cat, Config: on})
			}
		})
	}
}
