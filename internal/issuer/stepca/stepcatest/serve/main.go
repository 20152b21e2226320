// Command serve runs the test step-ca of stepcatest (its own root and
// intermediate, the JWK provisioner "crank" whose password it reads from
// CRANK_STEPCA_PROVISIONER_PASSWORD) until SIGINT or SIGTERM, for
// benchmarks that drive the provider from a shell (make bench-provider). It
// writes "URL ROOT_FINGERPRINT" to -out once the CA answers /health.
//
// stepcatest is written for tests and takes a testing.TB; testing.Benchmark
// hands this program a real *testing.B, so the same server setup (and its
// cleanup) serves the benchmark without a second copy of it. The benchmark
// function runs once: it outlasts the benchmark time by far.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca/stepcatest"
)

func main() {
	out := flag.String("out", "", "file to write \"URL ROOT_FINGERPRINT\" to once step-ca is up")
	flag.Parse()
	// From the environment, as the provider reads it: never on a command line.
	password := os.Getenv(stepca.PasswordEnv)
	if *out == "" || password == "" {
		fmt.Fprintf(os.Stderr, "usage: %s=... serve -out FILE\n", stepca.PasswordEnv)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	started := false
	testing.Benchmark(func(b *testing.B) {
		srv := stepcatest.Start(b, password)
		if err := os.WriteFile(*out, []byte(srv.URL+" "+srv.RootFingerprint+"\n"), 0o600); err != nil {
			b.Fatal(err)
		}
		started = true
		<-ctx.Done()
	})
	if !started {
		fmt.Fprintln(os.Stderr, "step-ca did not start; is it built? (.ci/run builds it into ~/.cache/crank-ci/bin)")
		os.Exit(1)
	}
}
