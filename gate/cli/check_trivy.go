//go:build goexperiment.jsonv2

package cli

import (
	"net/http"

	"github.com/crank-platform/terraform-provider-crank/gate/check"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/trivy"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln"
)

// serverHeaders carries the Trivy server token from the environment, as
// the Trivy client reads it (TRIVY_TOKEN, TRIVY_TOKEN_HEADER): a token on
// the command line would show in process lists and CI logs.
func serverHeaders(env Env) http.Header {
	token := env.Getenv("TRIVY_TOKEN")
	if token == "" {
		return nil
	}
	header := env.Getenv("TRIVY_TOKEN_HEADER")
	if header == "" {
		header = trivy.DefaultTokenHeader
	}
	return http.Header{header: {token}}
}

// vulnOpener wires Trivy in. This file only builds with
// GOEXPERIMENT=jsonv2 (Trivy imports encoding/json/v2); without it,
// check_notrivy.go keeps the rest of the gate and the provider buildable.
func vulnOpener(env Env) check.VulnOpener {
	return func(db check.VulnDB) (vuln.Scanner, func() error, error) {
		dir := db.Dir
		if dir == "" {
			dir = vuln.DefaultCacheDir(env.Getenv)
		}
		opts := trivy.Options{DBDir: dir, MaxDBAge: db.MaxAge, Offline: db.Offline, Server: db.Server}
		if db.Server != "" {
			opts.Headers = serverHeaders(env)
		}
		s, err := trivy.Open(opts)
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	}
}
