// Command worker is a small billing service guarded by capability
// policies: mTLS with client certificates required, every request decided
// by the bundle that crank_cap_policy writes.
//
//	go run ./examples/worker -listen 127.0.0.1:8443 -cert F -key F -ca F -bundle F
//
// It refuses to start when any file is missing or invalid, reloads rotated
// certificates and changed bundles on a poll interval or on SIGHUP, and
// keeps the last good material when a new file is bad.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/crank-platform/terraform-provider-crank/cap"
)

const serviceName = "billing"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "worker: %v\n", err)
		os.Exit(1)
	}
}

type config struct {
	listen         string
	tlsFiles       cap.TLSFiles
	bundlePath     string
	reloadInterval time.Duration
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	flags := flag.NewFlagSet("worker", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.StringVar(&c.listen, "listen", "127.0.0.1:8443", "address to serve HTTPS on")
	flags.StringVar(&c.tlsFiles.CertFile, "cert", "", "PEM certificate of this worker (leaf first)")
	flags.StringVar(&c.tlsFiles.KeyFile, "key", "", "PEM private key of this worker")
	flags.StringVar(&c.tlsFiles.CAFile, "ca", "", "PEM CA bundle that client certificates must chain to")
	flags.StringVar(&c.bundlePath, "bundle", "", "capability bundle JSON written by crank_cap_policy")
	flags.DurationVar(&c.reloadInterval, "reload-interval", 10*time.Second, "how often to check the certificate and bundle files for changes (SIGHUP checks at once)")
	if err := flags.Parse(args); err != nil {
		return c, err
	}
	var missing []string
	for _, flagValue := range [][2]string{{"-cert", c.tlsFiles.CertFile}, {"-key", c.tlsFiles.KeyFile}, {"-ca", c.tlsFiles.CAFile}, {"-bundle", c.bundlePath}} {
		if flagValue[1] == "" {
			missing = append(missing, flagValue[0])
		}
	}
	if len(missing) > 0 {
		return c, fmt.Errorf("missing required flags %v; all of -cert, -key, -ca and -bundle are needed, there is no plaintext mode", missing)
	}
	if c.reloadInterval <= 0 {
		return c, errors.New("-reload-interval must be positive")
	}
	return c, nil
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))

	// Everything is loaded before the listener opens, so a bad file stops
	// the start instead of serving without protection.
	workerTLS, err := cap.LoadWorkerTLS(cfg.tlsFiles, logger, nil)
	if err != nil {
		return fmt.Errorf("TLS: %w", err)
	}
	bundle, err := cap.LoadBundleFile(cfg.bundlePath, logger)
	if err != nil {
		return err
	}
	if got := bundle.Evaluator().Bundle().Policy.Service; got != serviceName {
		return fmt.Errorf("capability bundle %s is for service %q, this worker is %q; pass the %q bundle", cfg.bundlePath, got, serviceName, serviceName)
	}

	decisions := cap.NewDecisionLog(logger)
	server := &http.Server{
		Handler:           newHandler(bundle, decisions),
		TLSConfig:         workerTLS.ServerConfig(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	listener, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.listen, err)
	}
	logger.Info("worker listening", "addr", listener.Addr().String(), "service", serviceName)

	go workerTLS.Watch(ctx, cfg.reloadInterval)
	go bundle.Watch(ctx, cfg.reloadInterval)
	go reloadOnHangup(ctx, workerTLS, bundle)

	serveErr := make(chan error, 1)
	go func() { serveErr <- server.ServeTLS(listener, "", "") }()
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return server.Shutdown(shutdownCtx)
}

func reloadOnHangup(ctx context.Context, workerTLS *cap.WorkerTLS, bundle *cap.BundleFile) {
	hangup := make(chan os.Signal, 1)
	signal.Notify(hangup, syscall.SIGHUP)
	defer signal.Stop(hangup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hangup:
			// Failures are logged by Reload and the old material stays.
			_, _ = workerTLS.Reload()
			_, _ = bundle.Reload()
		}
	}
}

func newHandler(policy cap.EvaluatorSource, decisions *cap.DecisionLog) http.Handler {
	api := http.NewServeMux()
	api.HandleFunc("GET /v1/invoices/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id"), "status": "paid", "caller": callerOf(r)})
	})
	api.HandleFunc("POST /v1/invoices", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusCreated, map[string]string{"id": "inv-new", "status": "draft", "caller": callerOf(r)})
	})

	root := http.NewServeMux()
	// Health and counters still need a client certificate (the TLS layer
	// asks for one on every connection) but no capability.
	root.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "bundle_digest": policy.Evaluator().Digest()})
	})
	root.Handle("GET /debug/cap", decisions)
	root.Handle("/", cap.HTTPMiddleware(policy, decisions)(api))
	return root
}

func callerOf(r *http.Request) string {
	d, _ := cap.DecisionFromContext(r.Context())
	return d.Caller
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
