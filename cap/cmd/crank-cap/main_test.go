package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/cap"
	"github.com/crank-platform/terraform-provider-crank/cap/internal/testpki"
)

// fixture is a complete crank-cap configuration in a temporary directory:
// a CA, the server's certificate, a proxy identity, and billing's signed
// bundle.
type fixture struct {
	dir     string
	ca      *testpki.CA
	server  testpki.Leaf
	proxy   testpki.Leaf
	gateway testpki.Leaf
	config  map[string]any
	signing ed25519.PrivateKey
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir(), ca: testpki.NewCA(t, "crank-cap test CA")}
	f.server = f.ca.Issue(t, "spiffe://example.org/crank-cap")
	f.proxy = f.ca.Issue(t, "spiffe://example.org/envoy")
	f.gateway = f.ca.Issue(t, "spiffe://example.org/api-gateway")
	testpki.WriteFile(t, f.dir, "server.pem", f.server.CertPEM)
	testpki.WriteFile(t, f.dir, "server.key", f.server.KeyPEM)
	testpki.WriteFile(t, f.dir, "ca.pem", f.ca.PEM())
	_, f.signing, _ = ed25519.GenerateKey(rand.Reader)
	publicDER, _ := x509.MarshalPKIXPublicKey(f.signing.Public())
	testpki.WriteFile(t, f.dir, "policy-keys.pem", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: publicDER}))
	f.writeBundle(t, "billing.json", cap.Policy{
		Service: "billing", TrustDomain: "example.org",
		Capabilities: []cap.Capability{{Name: "invoice.read", HTTPMethod: "GET", HTTPPath: "/v1/invoices/{id}"}},
		Rules:        []cap.Rule{{ID: "gateway-read", Action: cap.ActionAllow, Callers: []cap.Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}}},
	})
	f.config = map[string]any{
		"tls":         map[string]string{"cert": "server.pem", "key": "server.key", "ca": "ca.pem"},
		"policy_keys": "policy-keys.pem",
		"client_ca":   "ca.pem",
		"proxies":     []string{"spiffe://example.org/envoy"},
		"services":    []map[string]any{{"name": "billing", "bundle": "billing.json"}},
		"listen":      map[string]string{"ext_authz": "127.0.0.1:0", "metrics": "127.0.0.1:0"},
	}
	return f
}

func (f *fixture) writeBundle(t *testing.T, name string, p cap.Policy) {
	t.Helper()
	canonical, _, err := cap.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := cap.SignBundle(canonical, f.signing)
	if err != nil {
		t.Fatal(err)
	}
	testpki.WriteFile(t, f.dir, name, signed)
}

func (f *fixture) writeConfig(t *testing.T) string {
	t.Helper()
	data, err := json.Marshal(f.config)
	if err != nil {
		t.Fatal(err)
	}
	return testpki.WriteFile(t, f.dir, "crank-cap.json", data)
}

// runInProcess runs crank-cap as an unprivileged user would and returns
// its error; ctx is already cancelled, so a good start returns at once.
func runInProcess(t *testing.T, args ...string) (error, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stderr bytes.Buffer
	err := run(ctx, args, &stderr, 1000)
	return err, stderr.String()
}

func TestRefusesToRunAsRoot(t *testing.T) {
	f := newFixture(t)
	err := run(context.Background(), []string{"-config", f.writeConfig(t)}, &bytes.Buffer{}, 0)
	var usage usageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "refusing to run as root") {
		t.Fatalf("as root: %v", err)
	}
}

func TestGoodConfigStarts(t *testing.T) {
	f := newFixture(t)
	if err, log := runInProcess(t, "-config", f.writeConfig(t)); err != nil {
		t.Fatalf("start: %v\n%s", err, log)
	} else if !strings.Contains(log, `"api":"ext_authz"`) || !strings.Contains(log, `"api":"metrics"`) {
		t.Fatalf("listeners not logged:\n%s", log)
	}
}

func TestBadInputStopsTheStart(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(t *testing.T, f *fixture)
		usage  bool
		want   string
	}{
		{"unknown field", func(t *testing.T, f *fixture) { f.config["listen_on"] = "x" }, true, `unknown field "listen_on"`},
		{"no proxies", func(t *testing.T, f *fixture) { delete(f.config, "proxies") }, true, "no proxies configured"},
		{"no policy keys", func(t *testing.T, f *fixture) { delete(f.config, "policy_keys") }, true, "policy_keys is required"},
		{"no listener", func(t *testing.T, f *fixture) { f.config["listen"] = map[string]string{"metrics": "127.0.0.1:0"} }, true, "nothing to serve"},
		{"negative in-flight", func(t *testing.T, f *fixture) {
			f.config["in_flight"] = map[string]any{"per_caller_capability": -1}
		}, true, "use a positive bound"},
		{"certificate and key mismatch", func(t *testing.T, f *fixture) {
			testpki.WriteFile(t, f.dir, "server.pem", f.gateway.CertPEM) // does not match the key
		}, false, "do not form a pair"},
		{"key file as CA", func(t *testing.T, f *fixture) { testpki.WriteFile(t, f.dir, "ca.pem", f.server.KeyPEM) }, false, "PRIVATE KEY"},
		{"tampered bundle", func(t *testing.T, f *fixture) {
			data, _ := os.ReadFile(filepath.Join(f.dir, "billing.json"))
			testpki.WriteFile(t, f.dir, "billing.json", bytes.Replace(data, []byte("gateway-read"), []byte("gateway-reed"), 1))
		}, false, "signature"},
		{"bundle for another service", func(t *testing.T, f *fixture) {
			f.config["services"] = []map[string]any{{"name": "reports", "bundle": "billing.json"}}
		}, false, `is for service "billing"`},
		{"missing client CA", func(t *testing.T, f *fixture) { f.config["client_ca"] = "nope.pem" }, false, "nope.pem"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			tc.break_(t, f)
			err, log := runInProcess(t, "-config", f.writeConfig(t))
			var usage usageError
			if err == nil || !strings.Contains(err.Error(), tc.want) || errors.As(err, &usage) != tc.usage {
				t.Fatalf("error %v (usage %v), want one containing %q (usage %v)", err, errors.As(err, &usage), tc.want, tc.usage)
			}
			if strings.Contains(log, "crank-cap listening") {
				t.Fatalf("a listener opened despite the error:\n%s", log)
			}
		})
	}
}

// TestExampleConfigParses keeps the guide's configuration in step with
// what crank-cap accepts.
func TestExampleConfigParses(t *testing.T) {
	cfg, err := loadConfig("../../docs/examples/crank-cap.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Services) != 2 || cfg.Listen.ExtAuthz == "" || cfg.Listen.AuthRequest == "" || cfg.InFlight.PerCapability["invoice.export"] != 4 {
		t.Fatalf("example parsed as %+v", cfg)
	}
}
