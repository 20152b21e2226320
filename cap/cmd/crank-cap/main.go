// Command crank-cap is the capability decision server: Envoy (ext_authz
// gRPC) and nginx (auth_request) ask it whether a caller may use a
// capability of a protected service, and it answers from the same signed
// bundles, with the same evaluator, mapping, limits and denial headers as
// services that import package cap.
//
//	crank-cap -config crank-cap.json
//
// Every listener is mutual TLS. The server's certificate, the bundles and
// the client trust bundles are loaded and checked before any listener
// opens: a bad file stops the start (exit 1), a bad configuration or flag
// is exit 2. Changed files are reloaded on a poll interval or on SIGHUP
// with every start-up check; a refused file keeps the last good one, and
// the refusal is logged and counted (crank_cap_reload_failures_total).
// It refuses to run as root.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes, as elsewhere in crank: 1 a runtime failure (including a bad
// certificate, key or bundle), 2 bad usage or configuration.
const (
	exitFailure = 1
	exitUsage   = 2
)

var version = "dev"

type usageError struct{ error }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, os.Geteuid()); err != nil {
		fmt.Fprintf(os.Stderr, "crank-cap: %v\n", err)
		var usage usageError
		if errors.As(err, &usage) {
			os.Exit(exitUsage)
		}
		os.Exit(exitFailure)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer, euid int) error {
	flags := flag.NewFlagSet("crank-cap", flag.ContinueOnError)
	flags.SetOutput(stderr)
	configPath := flags.String("config", "", "JSON configuration file (see cap/docs/proxies.md)")
	showVersion := flags.Bool("version", false, "print the version and exit")
	if err := flags.Parse(args); err != nil {
		return usageError{err}
	}
	if *showVersion {
		fmt.Fprintln(stderr, "crank-cap", version)
		return nil
	}
	if *configPath == "" {
		return usageError{errors.New("missing -config: pass the JSON configuration file")}
	}
	if euid == 0 {
		return usageError{errors.New("refusing to run as root: run crank-cap as an unprivileged user (for example worker:1000); it needs no privilege, listening ports above 1024 and readable certificate files are enough")}
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return usageError{err}
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	d, err := start(cfg, logger)
	if err != nil {
		return err
	}
	return d.serve(ctx)
}
