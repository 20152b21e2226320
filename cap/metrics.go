package cap

import (
	"crypto/x509"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// DecisionLatencyBuckets are the decision histogram's bounds in seconds:
// an in-process decision takes well under a microsecond and a proxy round
// trip about a millisecond, so the buckets are dense between 25 µs and
// 10 ms, where the decision p99 SLO lives.
var DecisionLatencyBuckets = []float64{0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1}

// Metrics exports decisions, decision latency, bundles, certificates and
// reloads to Prometheus. One Metrics serves a whole process: pass it to
// HTTPMiddleware, the interceptors and the decision server with
// WithMetrics, and Watch* the files the process loaded. Label values come
// from bundles and configuration only (service, capability and rule
// names, reason codes), never from requests, so cardinality is bounded by
// the policy.
type Metrics struct {
	decisions *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	now       func() time.Time

	mu      sync.Mutex
	bundles []watchedBundle
	tls     []watchedTLS
	trust   []watchedTrust
}

type watchedBundle struct{ file *BundleFile }
type watchedTLS struct {
	name string
	tls  *WorkerTLS
}
type watchedTrust struct {
	name   string
	bundle *TrustBundle
}

var (
	descBundleInfo = prometheus.NewDesc("crank_cap_bundle_info",
		"The capability bundle in force per protected service; the digest label is its sha256 digest (value is always 1).",
		[]string{"service", "digest"}, nil)
	descBundleLoaded = prometheus.NewDesc("crank_cap_bundle_loaded_timestamp_seconds",
		"Unix time the bundle in force was loaded (start, or the last reload that changed it).",
		[]string{"service"}, nil)
	descBundleAge = prometheus.NewDesc("crank_cap_bundle_age_seconds",
		"Seconds since the bundle in force was loaded.",
		[]string{"service"}, nil)
	descReloads = prometheus.NewDesc("crank_cap_reloads_total",
		"Reloads that put changed files into force, by kind (bundle, tls, trust) and name.",
		[]string{"kind", "name"}, nil)
	descReloadFailures = prometheus.NewDesc("crank_cap_reload_failures_total",
		"Changed files refused on reload (the last good version stays in force), by kind and name.",
		[]string{"kind", "name"}, nil)
	descNotAfter = prometheus.NewDesc("crank_cap_certificate_not_after_timestamp_seconds",
		"Unix time a loaded certificate expires: kind tls is the process's own certificate (role leaf or chain) and its CA file (role ca), kind trust a client trust bundle (role ca).",
		[]string{"kind", "name", "role", "subject", "spiffe_id", "serial"}, nil)
)

// NewMetrics creates the metrics and registers them with reg, or with
// prometheus.DefaultRegisterer when reg is nil, so a service chooses the
// registry (and so the endpoint) they appear on.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	if reg == nil {
		reg = prometheus.DefaultRegisterer
	}
	m := &Metrics{
		now: time.Now,
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "crank_cap_decisions_total",
			Help: "Capability decisions by enforcement point (via: http, grpc, ext_authz, auth_request), protected service, capability, decision and reason.",
		}, []string{"via", "service", "capability", "decision", "reason"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "crank_cap_decision_duration_seconds",
			Help:    "Time to decide, from the request's arrival at the enforcement point to its answer (identity verification, mapping, evaluation, limits).",
			Buckets: DecisionLatencyBuckets,
		}, []string{"via", "service"}),
	}
	for _, c := range []prometheus.Collector{m.decisions, m.latency, (*fileCollector)(m)} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register cap metrics: %w", err)
		}
	}
	return m, nil
}

// ObserveDecision counts d and records how long it took.
func (m *Metrics) ObserveDecision(via string, d Decision, elapsed time.Duration) {
	m.decisions.WithLabelValues(via, d.Service, d.Capability, string(d.Decision), string(d.Reason)).Inc()
	m.latency.WithLabelValues(via, d.Service).Observe(elapsed.Seconds())
}

// WatchBundle exports the digest, age and reload counts of a bundle file.
func (m *Metrics) WatchBundle(file *BundleFile) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.bundles = append(m.bundles, watchedBundle{file: file})
}

// WatchTLS exports the expiry of the process's own certificate, its chain
// and CA file, and their reload counts, under name.
func (m *Metrics) WatchTLS(name string, w *WorkerTLS) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tls = append(m.tls, watchedTLS{name: name, tls: w})
}

// WatchTrust exports the expiry and reload counts of a client trust bundle.
func (m *Metrics) WatchTrust(name string, t *TrustBundle) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.trust = append(m.trust, watchedTrust{name: name, bundle: t})
}

// fileCollector reads the watched files' state at scrape time, so the
// values are never stale and nothing has to push updates.
type fileCollector Metrics

func (c *fileCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descBundleInfo, descBundleLoaded, descBundleAge, descReloads, descReloadFailures, descNotAfter} {
		ch <- d
	}
}

func (c *fileCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	bundles, tlsFiles, trust := append([]watchedBundle(nil), c.bundles...), append([]watchedTLS(nil), c.tls...), append([]watchedTrust(nil), c.trust...)
	c.mu.Unlock()
	now := c.now()
	for _, b := range bundles {
		evaluator := b.file.Evaluator()
		service := evaluator.Bundle().Policy.Service
		loaded := b.file.LoadedAt()
		ch <- prometheus.MustNewConstMetric(descBundleInfo, prometheus.GaugeValue, 1, service, evaluator.Digest())
		ch <- prometheus.MustNewConstMetric(descBundleLoaded, prometheus.GaugeValue, unixSeconds(loaded), service)
		ch <- prometheus.MustNewConstMetric(descBundleAge, prometheus.GaugeValue, now.Sub(loaded).Seconds(), service)
		reloaded, failed := b.file.ReloadCounts()
		ch <- prometheus.MustNewConstMetric(descReloads, prometheus.CounterValue, float64(reloaded), "bundle", service)
		ch <- prometheus.MustNewConstMetric(descReloadFailures, prometheus.CounterValue, float64(failed), "bundle", service)
	}
	for _, t := range tlsFiles {
		leaf, chain, cas := t.tls.Certificates()
		collectNotAfter(ch, "tls", t.name, "leaf", []*x509.Certificate{leaf})
		collectNotAfter(ch, "tls", t.name, "chain", chain)
		collectNotAfter(ch, "tls", t.name, "ca", cas)
		reloaded, failed := t.tls.ReloadCounts()
		ch <- prometheus.MustNewConstMetric(descReloads, prometheus.CounterValue, float64(reloaded), "tls", t.name)
		ch <- prometheus.MustNewConstMetric(descReloadFailures, prometheus.CounterValue, float64(failed), "tls", t.name)
	}
	for _, t := range trust {
		collectNotAfter(ch, "trust", t.name, "ca", t.bundle.Certificates())
		reloaded, failed := t.bundle.ReloadCounts()
		ch <- prometheus.MustNewConstMetric(descReloads, prometheus.CounterValue, float64(reloaded), "trust", t.name)
		ch <- prometheus.MustNewConstMetric(descReloadFailures, prometheus.CounterValue, float64(failed), "trust", t.name)
	}
}

func collectNotAfter(ch chan<- prometheus.Metric, kind, name, role string, certs []*x509.Certificate) {
	// A file may list one certificate twice; one series per certificate
	// keeps the scrape valid.
	seen := map[string]bool{}
	for _, cert := range certs {
		if cert == nil || seen[string(cert.Raw)] {
			continue
		}
		seen[string(cert.Raw)] = true
		spiffeID := ""
		if id, err := certificateSPIFFEID(cert); err == nil {
			spiffeID = id.String()
		}
		ch <- prometheus.MustNewConstMetric(descNotAfter, prometheus.GaugeValue, unixSeconds(cert.NotAfter),
			kind, name, role, truncateForMessage(cert.Subject.String()), spiffeID, cert.SerialNumber.Text(16))
	}
}

func unixSeconds(t time.Time) float64 { return float64(t.Unix()) + float64(t.Nanosecond())/1e9 }
