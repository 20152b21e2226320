//go:build goexperiment.jsonv2

// Package trivytest runs Trivy's own server handlers (what `trivy server`
// serves) in the test process, for tests of the remote-server mode.
package trivytest

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aquasecurity/trivy/pkg/cache"
	ftypes "github.com/aquasecurity/trivy/pkg/fanal/types"
	"github.com/aquasecurity/trivy/pkg/rpc/server"

	"github.com/crank-platform/terraform-provider-crank/gate/scanners/trivy"
)

// Server serves the DB in cacheDir (a Trivy cache dir, as vulntest.WriteDB
// writes) on loopback and returns its URL; token "" accepts any client.
// Trivy matches packages through one process-wide DB handle, so the
// server's DB is opened here with a local Scanner, held until cleanup: a
// test cannot open a second local DB meanwhile.
func Server(t testing.TB, cacheDir, token string) string {
	t.Helper()
	db, err := trivy.Open(trivy.Options{DBDir: cacheDir, Offline: true})
	if err != nil {
		t.Fatalf("trivytest: opening the server's DB: %v", err)
	}
	var updates, requests sync.WaitGroup
	mux := server.NewServer("test", "", cacheDir, token, trivy.DefaultTokenHeader, "", nil, ftypes.RegistryOptions{}).
		NewServeMux(context.Background(), cache.NewMemoryCache(), &updates, &requests)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		_ = db.Close()
	})
	return srv.URL
}
