//go:build goexperiment.jsonv2

package cli

import (
	"github.com/crank-platform/terraform-provider-crank/gate/check"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/trivy"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln"
)

// vulnOpener wires Trivy in. This file only builds with
// GOEXPERIMENT=jsonv2 (Trivy imports encoding/json/v2); without it,
// check_notrivy.go keeps the rest of the gate and the provider buildable.
func vulnOpener(env Env) check.VulnOpener {
	return func(db check.VulnDB) (vuln.Scanner, func() error, error) {
		dir := db.Dir
		if dir == "" {
			dir = vuln.DefaultCacheDir(env.Getenv)
		}
		s, err := trivy.Open(trivy.Options{DBDir: dir, MaxDBAge: db.MaxAge, Offline: db.Offline})
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	}
}
