package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc"

	"github.com/crank-platform/terraform-provider-crank/cap"
	"github.com/crank-platform/terraform-provider-crank/cap/capd"
)

// daemon is everything loaded and every listener open, ready to serve.
type daemon struct {
	logger    *slog.Logger
	interval  time.Duration
	workerTLS *cap.WorkerTLS
	bundles   []*cap.BundleFile
	trust     []*cap.TrustBundle
	decisions *cap.DecisionLog

	grpcServer  *grpc.Server
	grpcLn      net.Listener
	httpServers []*http.Server
	httpLns     []net.Listener
}

// start loads every file synchronously and opens the listeners; any
// problem is an error and nothing is served.
func start(cfg fileConfig, logger *slog.Logger) (*daemon, error) {
	d := &daemon{logger: logger, interval: time.Duration(cfg.ReloadInterval)}
	var err error
	if d.workerTLS, err = cap.LoadWorkerTLS(cap.TLSFiles{CertFile: cfg.TLS.Cert, KeyFile: cfg.TLS.Key, CAFile: cfg.TLS.CA}, logger, nil); err != nil {
		return nil, fmt.Errorf("TLS: %w", err)
	}
	var keys cap.PolicyKeys
	if cfg.PolicyKeys != "" {
		if keys, err = cap.LoadPolicyKeys(cfg.PolicyKeys); err != nil {
			return nil, err
		}
	}
	if cfg.AllowUnsigned {
		logger.Error("allow_unsigned_bundles is set: unsigned capability bundles are enforced; never run like this in production")
	}
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics, err := cap.NewMetrics(registry)
	if err != nil {
		return nil, err
	}
	metrics.WatchTLS("server", d.workerTLS)

	trustByPath := map[string]*cap.TrustBundle{}
	loadTrust := func(path string) (*cap.TrustBundle, error) {
		if path == "" {
			return nil, nil
		}
		if t, ok := trustByPath[path]; ok {
			return t, nil
		}
		t, err := cap.LoadTrustBundle(path, logger)
		if err != nil {
			return nil, err
		}
		trustByPath[path] = t
		d.trust = append(d.trust, t)
		metrics.WatchTrust(path, t)
		return t, nil
	}
	var services []capd.Service
	for _, s := range cfg.Services {
		bundle, err := cap.LoadBundleFile(s.Bundle, cap.BundleFileConfig{Logger: logger, Service: s.Name, Keys: keys, AllowUnsigned: cfg.AllowUnsigned})
		if err != nil {
			return nil, err
		}
		d.bundles = append(d.bundles, bundle)
		metrics.WatchBundle(bundle)
		clientCA := s.ClientCA
		if clientCA == "" {
			clientCA = cfg.ClientCA
		}
		trust, err := loadTrust(clientCA)
		if err != nil {
			return nil, err
		}
		services = append(services, capd.Service{Name: s.Name, Policy: bundle, Trust: trust, SNI: s.SNI})
	}
	inFlight, err := cap.NewInFlightLimiter(cap.InFlightLimits{
		PerCallerCapability: cfg.InFlight.PerCallerCapability,
		PerCapability:       cfg.InFlight.PerCapability,
		RetryAfter:          time.Duration(cfg.InFlight.RetryAfter),
	})
	if err != nil {
		return nil, usageError{err}
	}
	d.decisions = cap.NewDecisionLog(logger, cap.WithDecisionLogRate(cfg.DecisionLogRate, cfg.DecisionLogBurst))
	server, err := capd.New(capd.Config{
		Services: services, Selector: cfg.Selector, Proxies: cfg.Proxies,
		TrustProxyPrincipal: cfg.TrustProxyPrincipal, Log: d.decisions, Logger: logger,
		Options: []cap.RuntimeOption{cap.WithInFlightLimit(inFlight), cap.WithMetrics(metrics)},
	})
	if err != nil {
		return nil, usageError{err}
	}
	limits := cap.ServerLimits{MaxConnsPerIdentity: cfg.MaxConnsPerIdentity}

	if cfg.Listen.ExtAuthz != "" {
		options, _, err := cap.GRPCServerOptions(d.workerTLS, limits, logger)
		if err != nil {
			return nil, usageError{err}
		}
		d.grpcServer = grpc.NewServer(append(options, grpc.ChainUnaryInterceptor(server.ProxyInterceptor()))...)
		authv3.RegisterAuthorizationServer(d.grpcServer, server.ExtAuthz())
		if d.grpcLn, err = d.listen("ext_authz", cfg.Listen.ExtAuthz); err != nil {
			return nil, err
		}
	}
	if cfg.Listen.AuthRequest != "" {
		if err := d.addHTTP("auth_request", cfg.Listen.AuthRequest, server.AuthRequest(), limits); err != nil {
			return nil, err
		}
	}
	if cfg.Listen.Metrics != "" {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{Registry: registry}))
		mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
		if err := d.addHTTP("metrics", cfg.Listen.Metrics, mux, limits); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (d *daemon) listen(api, addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		d.closeListeners()
		return nil, fmt.Errorf("listen for %s on %s: %w", api, addr, err)
	}
	d.logger.Info("crank-cap listening", "api", api, "addr", ln.Addr().String())
	return ln, nil
}

func (d *daemon) addHTTP(api, addr string, handler http.Handler, limits cap.ServerLimits) error {
	server, _, err := cap.NewHTTPServer(handler, d.workerTLS, limits, d.logger)
	if err != nil {
		return usageError{err}
	}
	ln, err := d.listen(api, addr)
	if err != nil {
		return err
	}
	d.httpServers = append(d.httpServers, server)
	d.httpLns = append(d.httpLns, ln)
	return nil
}

func (d *daemon) closeListeners() {
	if d.grpcLn != nil {
		_ = d.grpcLn.Close()
	}
	for _, ln := range d.httpLns {
		_ = ln.Close()
	}
}

func (d *daemon) watch(ctx context.Context) {
	go d.workerTLS.Watch(ctx, d.interval)
	for _, b := range d.bundles {
		go b.Watch(ctx, d.interval)
	}
	for _, t := range d.trust {
		go t.Watch(ctx, d.interval)
	}
}

func (d *daemon) reload() {
	// Failures are logged and counted by each Reload; the last good
	// material stays in force.
	_, _ = d.workerTLS.Reload()
	for _, b := range d.bundles {
		_, _ = b.Reload()
	}
	for _, t := range d.trust {
		_, _ = t.Reload()
	}
}

func (d *daemon) serve(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	d.watch(ctx)
	go d.decisions.FlushEvery(ctx, d.interval)
	defer d.decisions.Flush(context.Background())
	go func() {
		hangup := make(chan os.Signal, 1)
		signal.Notify(hangup, syscall.SIGHUP)
		defer signal.Stop(hangup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hangup:
				d.reload()
			}
		}
	}()

	errs := make(chan error, 1+len(d.httpServers))
	if d.grpcServer != nil {
		go func() { errs <- d.grpcServer.Serve(d.grpcLn) }()
	}
	for i, server := range d.httpServers {
		go func() { errs <- server.ServeTLS(d.httpLns[i], "", "") }()
	}
	var serveErr error
	select {
	case err := <-errs:
		serveErr = fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	if d.grpcServer != nil {
		stopped := make(chan struct{})
		go func() { d.grpcServer.GracefulStop(); close(stopped) }()
		select {
		case <-stopped:
		case <-shutdown.Done():
			d.grpcServer.Stop()
		}
	}
	for _, server := range d.httpServers {
		if err := server.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
			serveErr = errors.Join(serveErr, err)
		}
	}
	return serveErr
}
