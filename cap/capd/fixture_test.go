package capd

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/crank-platform/terraform-provider-crank/cap"
	"github.com/crank-platform/terraform-provider-crank/cap/internal/testpki"
)

const td = "example.org"

func spiffe(service string) string { return "spiffe://" + td + "/" + service }

func billingPolicy() cap.Policy {
	return cap.Policy{
		Service: "billing", TrustDomain: td,
		Capabilities: []cap.Capability{
			{Name: "invoice.read", HTTPMethod: "GET", HTTPPath: "/v1/invoices/{id}"},
			{Name: "invoice.create", HTTPMethod: "POST", HTTPPath: "/v1/invoices"},
			{Name: "invoice.export", HTTPMethod: "GET", HTTPPath: "/v1/exports"},
			{Name: "invoice.void", GRPCMethod: "/billing.v1.Invoices/Void"},
		},
		Rules: []cap.Rule{
			{ID: "gateway-all", Action: cap.ActionAllow, Callers: []cap.Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read", "invoice.create", "invoice.void"}},
			// One token, refilled every 1000 s: the second export is rate limited without timing.
			{ID: "gateway-export", Action: cap.ActionAllow, Callers: []cap.Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.export"}, RateLimit: &cap.RateLimit{RPS: 0.001, Burst: 1}},
			{ID: "worker-read", Action: cap.ActionAllow, Callers: []cap.Caller{{Service: "worker"}}, Capabilities: []string{"invoice.read"}},
			{ID: "worker-never-creates", Action: cap.ActionDeny, Callers: []cap.Caller{{Service: "worker"}}, Capabilities: []string{"invoice.create"}},
		},
	}
}

func reportsPolicy() cap.Policy {
	return cap.Policy{
		Service: "reports", TrustDomain: td,
		Capabilities: []cap.Capability{{Name: "report.read", HTTPMethod: "GET", HTTPPath: "/v1/reports/{id}"}},
		Rules:        []cap.Rule{{ID: "worker-reports", Action: cap.ActionAllow, Callers: []cap.Caller{{Service: "worker"}}, Capabilities: []string{"report.read"}}},
	}
}

// world is a decision server's files and identities: one CA for
// everything (server, proxy, callers) and a rogue CA.
type world struct {
	dir      string
	ca       *testpki.CA
	rogue    *testpki.CA
	server   testpki.Leaf
	proxy    testpki.Leaf
	gateway  testpki.Leaf
	worker   testpki.Leaf
	stranger testpki.Leaf
	forged   testpki.Leaf // api-gateway's name from the rogue CA
	noURI    testpki.Leaf
	tlsFiles cap.TLSFiles
	keys     cap.PolicyKeys
	bundles  map[string]*cap.BundleFile
	trust    *cap.TrustBundle
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{dir: t.TempDir(), ca: testpki.NewCA(t, "Test Services CA"), rogue: testpki.NewCA(t, "Rogue CA"), bundles: map[string]*cap.BundleFile{}}
	w.server = w.ca.Issue(t, spiffe("crank-cap"))
	w.proxy = w.ca.Issue(t, spiffe("envoy"))
	w.gateway = w.ca.Issue(t, spiffe("api-gateway"))
	w.worker = w.ca.Issue(t, spiffe("worker"))
	w.stranger = w.ca.Issue(t, spiffe("stranger"))
	w.forged = w.rogue.Issue(t, spiffe("api-gateway"))
	w.tlsFiles = cap.TLSFiles{
		CertFile: testpki.WriteFile(t, w.dir, "server.pem", w.server.CertPEM),
		KeyFile:  testpki.WriteFile(t, w.dir, "server.key", w.server.KeyPEM),
		CAFile:   testpki.WriteFile(t, w.dir, "ca.pem", w.ca.PEM()),
	}
	_, signing, _ := ed25519.GenerateKey(rand.Reader)
	publicDER, _ := x509.MarshalPKIXPublicKey(signing.Public())
	keysPath := testpki.WriteFile(t, w.dir, "policy-keys.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: publicDER}))
	var err error
	if w.keys, err = cap.LoadPolicyKeys(keysPath); err != nil {
		t.Fatal(err)
	}
	for _, p := range []cap.Policy{billingPolicy(), reportsPolicy()} {
		canonical, _, err := cap.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		signed, err := cap.SignBundle(canonical, signing)
		if err != nil {
			t.Fatal(err)
		}
		path := testpki.WriteFile(t, w.dir, p.Service+".bundle.json", signed)
		if w.bundles[p.Service], err = cap.LoadBundleFile(path, cap.BundleFileConfig{Logger: quiet(), Service: p.Service, Keys: w.keys}); err != nil {
			t.Fatal(err)
		}
	}
	if w.trust, err = cap.LoadTrustBundle(w.tlsFiles.CAFile, quiet()); err != nil {
		t.Fatal(err)
	}
	return w
}

func quiet() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

// services are billing (SNI billing.example.org) and reports.
func (w *world) services() []Service {
	return []Service{
		{Name: "billing", Policy: w.bundles["billing"], Trust: w.trust, SNI: []string{"billing.example.org"}},
		{Name: "reports", Policy: w.bundles["reports"], Trust: w.trust, SNI: []string{"reports.example.org"}},
	}
}

// newTestServer is the decision server over w with an in-flight limit of
// one create per caller and metrics in their own registry.
func (w *world) newTestServer(t testing.TB, mutate ...func(*Config)) (*Server, *cap.InFlightLimiter, *prometheus.Registry) {
	t.Helper()
	limiter, err := cap.NewInFlightLimiter(cap.InFlightLimits{PerCapability: map[string]int{"invoice.create": 1}, RetryAfter: 2e9})
	if err != nil {
		t.Fatal(err)
	}
	registry := prometheus.NewRegistry()
	metrics, err := cap.NewMetrics(registry)
	if err != nil {
		t.Fatal(err)
	}
	config := Config{
		Services: w.services(), Selector: "X-Crank-Service", Proxies: []string{spiffe("envoy")},
		Logger: quiet(), Options: []cap.RuntimeOption{cap.WithInFlightLimit(limiter), cap.WithMetrics(metrics)},
	}
	for _, m := range mutate {
		m(&config)
	}
	s, err := New(config)
	if err != nil {
		t.Fatal(err)
	}
	return s, limiter, registry
}

func TestNewRefusesBadConfig(t *testing.T) {
	w := newWorld(t)
	for name, tc := range map[string]struct {
		config Config
		want   string
	}{
		"no proxies":   {Config{Services: w.services(), Selector: "x"}, "no proxies configured"},
		"bad proxy":    {Config{Services: w.services(), Selector: "x", Proxies: []string{"spiffe://example.org"}}, "not a workload SPIFFE ID"},
		"no services":  {Config{Proxies: []string{spiffe("envoy")}}, "no services configured"},
		"wrong bundle": {Config{Services: []Service{{Name: "reports", Policy: w.bundles["billing"], Trust: w.trust}}, Proxies: []string{spiffe("envoy")}}, `bundle for "billing"`},
		"no trust":     {Config{Services: []Service{{Name: "billing", Policy: w.bundles["billing"]}}, Proxies: []string{spiffe("envoy")}}, "no client trust bundle"},
		"no selector":  {Config{Services: []Service{{Name: "billing", Policy: w.bundles["billing"], Trust: w.trust}, {Name: "reports", Policy: w.bundles["reports"], Trust: w.trust}}, Proxies: []string{spiffe("envoy")}}, "neither a selector nor server names"},
		"SNI twice":    {Config{Services: []Service{{Name: "billing", Policy: w.bundles["billing"], Trust: w.trust, SNI: []string{"a"}}, {Name: "reports", Policy: w.bundles["reports"], Trust: w.trust, SNI: []string{"A"}}}, Proxies: []string{spiffe("envoy")}}, `"a" selects both`},
	} {
		if _, err := New(tc.config); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", name, err, tc.want)
		}
	}
}
