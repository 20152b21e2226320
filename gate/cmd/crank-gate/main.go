// Command crank-gate lints Dockerfiles; the logic lives in gate/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/crank-platform/terraform-provider-crank/gate/cli"
	"github.com/crank-platform/terraform-provider-crank/gate/cmd/crank-gate/startgc"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	startgc.Done()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	isTTY := cli.IsTerminal(os.Stdout)
	code := cli.Main(ctx, os.Args[1:], cli.Env{
		Stdin:            os.Stdin,
		Stdout:           os.Stdout,
		Stderr:           os.Stderr,
		StdoutIsTerminal: isTTY,
		Version:          version,
	})
	stop()
	os.Exit(code)
}
