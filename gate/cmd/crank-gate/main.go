// Command crank-gate lints Dockerfiles; the logic lives in gate/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/cli"
	"github.com/crank-platform/terraform-provider-crank/gate/cmd/crank-gate/startgc"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// grace is how long a command may take after SIGINT/SIGTERM to stop and
// write its failed-run reports before the process exits regardless: a
// read blocked in the kernel (a FIFO, a hung network file system) cannot
// be cancelled, and CI expects a prompt end: the whole run ends within a
// second of the signal.
const grace = 750 * time.Millisecond

func main() {
	startgc.Done()
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	interrupted := make(chan int, 1)
	go func() {
		sig := <-sigs
		code := exitCode(sig)
		interrupted <- code
		cancel()
		// A second signal, or the grace period, ends the process now.
		select {
		case <-sigs:
		case <-time.After(grace):
		}
		cli.RemoveTemporaryFiles()
		os.Exit(code)
	}()
	isTTY := cli.IsTerminal(os.Stdout)
	code := cli.Main(ctx, os.Args[1:], cli.Env{
		Stdin:            os.Stdin,
		Stdout:           os.Stdout,
		Stderr:           os.Stderr,
		StdoutIsTerminal: isTTY,
		Version:          version,
	})
	select {
	case c := <-interrupted:
		// An interrupted run ends 128+signal, as a shell reports it,
		// whatever the command made of the cancellation.
		code = c
	default:
	}
	os.Exit(code)
}

// exitCode is the shell convention: 130 for SIGINT, 143 for SIGTERM.
func exitCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 128 + int(syscall.SIGINT)
}
