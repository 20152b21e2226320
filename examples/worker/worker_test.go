package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/cap"
	"github.com/crank-platform/terraform-provider-crank/examples/worker/workertest"
)

const trustDomain = "example.org"

// testCA issues X.509-SVIDs the way the provider's certificate resources do.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key := mustKey(t)
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		URIs:                  []*url.URL{{Scheme: "spiffe", Host: trustDomain}},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

var serial int64 = 100

// issue writes <name>.pem and <name>.key into dir for a workload whose
// SPIFFE ID is spiffe://example.org/<service>.
func (ca *testCA) issue(t *testing.T, dir, name, service string) (certPath, keyPath string) {
	t.Helper()
	return ca.issueURIs(t, dir, name, service, &url.URL{Scheme: "spiffe", Host: trustDomain, Path: "/" + service})
}

// issueURIs is issue with exactly the given URI SANs, to make certificates
// that are not valid X.509-SVIDs.
func (ca *testCA) issueURIs(t *testing.T, dir, name, service string, uris ...*url.URL) (certPath, keyPath string) {
	t.Helper()
	key := mustKey(t)
	serial++
	template := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: service},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(12 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		URIs:         uris,
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
	writeFile(t, certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	writeFile(t, keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	return certPath, keyPath
}

func mustKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// policySigner stands in for crank_cap_policy's signing_key_file: bundles
// are signed with it, and keysFile is what -policy-keys reads.
type policySigner struct {
	key      ed25519.PrivateKey
	keysFile string
}

func newPolicySigner(t *testing.T, dir string) *policySigner {
	t.Helper()
	public, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(public)
	if err != nil {
		t.Fatal(err)
	}
	s := &policySigner{key: key, keysFile: filepath.Join(dir, "policy-keys.pem")}
	writeFile(t, s.keysFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	return s
}

func (s *policySigner) sign(t *testing.T, policy cap.Policy) ([]byte, string) {
	t.Helper()
	canonical, digest, err := cap.Marshal(policy)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := cap.SignBundle(canonical, s.key)
	if err != nil {
		t.Fatal(err)
	}
	return signed, digest
}

func billingBundle(t *testing.T, signer *policySigner, extra ...cap.Rule) ([]byte, string) {
	t.Helper()
	return signer.sign(t, billingPolicy(extra...))
}

func billingPolicy(extra ...cap.Rule) cap.Policy {
	return cap.Policy{
		Service:       "billing",
		TrustDomain:   trustDomain,
		DefaultAction: cap.ActionDeny,
		Capabilities: []cap.Capability{
			{Name: "invoice.read", HTTPMethod: "GET", HTTPPath: "/v1/invoices/{id}"},
			{Name: "invoice.create", HTTPMethod: "POST", HTTPPath: "/v1/invoices"},
		},
		Rules: append([]cap.Rule{
			// 2 requests at once, then one per 100 s: the third is limited
			// without the test depending on timing.
			{ID: "gateway-read", Action: cap.ActionAllow, Callers: []cap.Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}, RateLimit: &cap.RateLimit{RPS: 0.01, Burst: 2}},
			{ID: "gateway-create", Action: cap.ActionAllow, Callers: []cap.Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.create"}},
			{ID: "worker-read", Action: cap.ActionAllow, Callers: []cap.Caller{{Service: "worker"}}, Capabilities: []string{"invoice.read"}},
			{ID: "worker-never-creates", Action: cap.ActionDeny, Callers: []cap.Caller{{Service: "worker"}}, Capabilities: []string{"invoice.create"}},
		}, extra...),
	}
}

// buildWorker compiles this command once per test binary run.
type denial struct {
	Error      string   `json:"error"`
	Decision   string   `json:"decision"`
	Reason     string   `json:"reason"`
	RuleIDs    []string `json:"rule_ids"`
	Caller     string   `json:"caller"`
	Capability string   `json:"capability"`
	Digest     string   `json:"bundle_digest"`
	Detail     string   `json:"detail"`
}

func TestWorkerEndToEndWithCurl(t *testing.T) {
	workertest.RequireTool(t, "curl")
	dir := t.TempDir()
	ca := newTestCA(t, "crank test CA")
	caFile := filepath.Join(dir, "ca.pem")
	writeFile(t, caFile, ca.pem)
	serverCert, serverKey := ca.issue(t, dir, "billing", "billing")
	for _, service := range []string{"api-gateway", "worker", "stranger"} {
		ca.issue(t, dir, service, service)
	}
	otherCA := newTestCA(t, "someone else's CA")
	otherCA.issue(t, dir, "forged-gateway", "api-gateway")
	ca.issueURIs(t, dir, "two-uris", "api-gateway",
		&url.URL{Scheme: "spiffe", Host: trustDomain, Path: "/api-gateway"}, &url.URL{Scheme: "spiffe", Host: trustDomain, Path: "/worker"})

	signer := newPolicySigner(t, dir)
	bundleData, digest := billingBundle(t, signer)
	bundlePath := filepath.Join(dir, "bundle.json")
	writeFile(t, bundlePath, bundleData)

	w := workertest.Start(t, "-listen", "127.0.0.1:0", "-cert", serverCert, "-key", serverKey, "-ca", caFile, "-bundle", bundlePath,
		"-policy-keys", signer.keysFile, "-reload-interval", "1h")
	base := "https://" + w.Addr

	expectDenial := func(t *testing.T, r workertest.CurlResult, status, reason string, ruleIDs []string) denial {
		t.Helper()
		if r.ExitCode != 0 || r.Status != status {
			t.Fatalf("got exit %d status %s (%s), want HTTP %s", r.ExitCode, r.Status, r.Stderr, status)
		}
		var body denial
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatalf("denial body is not JSON: %q", r.Body)
		}
		if body.Decision != "deny" || body.Reason != reason || !slices.Equal(body.RuleIDs, ruleIDs) || body.Digest != digest || body.Error == "" {
			t.Fatalf("denial body %+v, want reason %s rule_ids %v digest %s", body, reason, ruleIDs, digest)
		}
		return body
	}

	t.Run("allowed caller gets 200", func(t *testing.T) {
		r := workertest.Curl(t, dir, caFile, "worker", "GET", base+"/v1/invoices/42")
		if r.ExitCode != 0 || r.Status != "200" || !strings.Contains(string(r.Body), `"id":"42"`) {
			t.Fatalf("exit %d status %s body %s stderr %s", r.ExitCode, r.Status, r.Body, r.Stderr)
		}
		if !strings.Contains(string(r.Body), "spiffe://example.org/worker") {
			t.Fatalf("handler should see the caller identity: %s", r.Body)
		}
	})
	t.Run("explicit deny gets 403 naming the rule", func(t *testing.T) {
		r := workertest.Curl(t, dir, caFile, "worker", "POST", base+"/v1/invoices")
		body := expectDenial(t, r, "403", "matched_deny", []string{"worker-never-creates"})
		if body.Caller != "spiffe://example.org/worker" || body.Capability != "invoice.create" {
			t.Fatalf("denial names caller %q capability %q", body.Caller, body.Capability)
		}
	})
	t.Run("unlisted caller gets 403 default", func(t *testing.T) {
		expectDenial(t, workertest.Curl(t, dir, caFile, "stranger", "GET", base+"/v1/invoices/42"), "403", "default", []string{})
	})
	t.Run("unmapped route gets 403 unknown_capability", func(t *testing.T) {
		expectDenial(t, workertest.Curl(t, dir, caFile, "api-gateway", "DELETE", base+"/v1/invoices/42"), "403", "unknown_capability", []string{})
	})
	t.Run("caller over its rate gets 429", func(t *testing.T) {
		for i := range 2 {
			if r := workertest.Curl(t, dir, caFile, "api-gateway", "GET", base+"/v1/invoices/7"); r.Status != "200" {
				t.Fatalf("request %d within burst: status %s body %s", i+1, r.Status, r.Body)
			}
		}
		r := workertest.Curl(t, dir, caFile, "api-gateway", "GET", base+"/v1/invoices/7")
		expectDenial(t, r, "429", "rate_limited", []string{"gateway-read"})
		if !regexp.MustCompile(`(?im)^retry-after: \d+`).MatchString(r.Headers) {
			t.Fatalf("429 without Retry-After; headers:\n%s", r.Headers)
		}
		if r := workertest.Curl(t, dir, caFile, "api-gateway", "POST", base+"/v1/invoices"); r.Status != "201" {
			t.Fatalf("the limit is per rule: create must still pass, got %s", r.Status)
		}
	})
	t.Run("certificate with two URI SANs gets 403 naming the reason", func(t *testing.T) {
		mark := w.Mark()
		r := workertest.Curl(t, dir, caFile, "two-uris", "GET", base+"/v1/invoices/42")
		body := expectDenial(t, r, "403", "identity_invalid", []string{})
		if !strings.Contains(body.Detail, "certificate has 2 URI SANs") || !regexp.MustCompile(`(?im)^x-cap-reason: identity_invalid`).MatchString(r.Headers) {
			t.Fatalf("detail %q, headers:\n%s", body.Detail, r.Headers)
		}
		line := w.WaitForLogSince(t, mark, "cap decision")
		for _, want := range []string{`"reason":"identity_invalid"`, `"detail":"certificate has 2 URI SANs`, `"peer_serial":`, `"peer_subject":"CN=api-gateway"`, `"peer_addr":"127.0.0.1:`} {
			if !strings.Contains(line, want) {
				t.Fatalf("decision log lacks %s: %s", want, line)
			}
		}
	})
	t.Run("no client certificate is refused in the handshake", func(t *testing.T) {
		r := workertest.Curl(t, dir, caFile, "", "GET", base+"/v1/invoices/42")
		if r.ExitCode == 0 || r.Status != "000" {
			t.Fatalf("curl without a client certificate got exit %d status %s; want a TLS failure", r.ExitCode, r.Status)
		}
	})
	t.Run("certificate from another CA is refused in the handshake", func(t *testing.T) {
		r := workertest.Curl(t, dir, caFile, "forged-gateway", "GET", base+"/v1/invoices/42")
		if r.ExitCode == 0 || r.Status != "000" {
			t.Fatalf("curl with a foreign certificate got exit %d status %s; want a TLS failure", r.ExitCode, r.Status)
		}
	})
	t.Run("invalid bundle keeps the last good one", func(t *testing.T) {
		mark := w.Mark()
		writeFile(t, bundlePath, []byte(`{"schema":"crank.cap.signed-bundle/v1","signatures":[],"surprise":true}`))
		w.Signal(t, syscall.SIGHUP)
		line := w.WaitForLogSince(t, mark, "cap bundle reload failed")
		if !strings.Contains(line, "surprise") {
			t.Fatalf("reload failure should say what is wrong: %s", line)
		}
		if r := workertest.Curl(t, dir, caFile, "worker", "GET", base+"/v1/invoices/42"); r.Status != "200" {
			t.Fatalf("worker must keep serving with the old bundle, got %s %s", r.Status, r.Body)
		}
		expectDenial(t, workertest.Curl(t, dir, caFile, "worker", "POST", base+"/v1/invoices"), "403", "matched_deny", []string{"worker-never-creates"})
	})
	// Each refusal below must keep the bundle in force: worker may read,
	// may not create, strangers get the default deny.
	expectLastGood := func(t *testing.T) {
		t.Helper()
		if r := workertest.Curl(t, dir, caFile, "worker", "GET", base+"/v1/invoices/42"); r.Status != "200" {
			t.Fatalf("worker must keep serving with the old bundle, got %s %s", r.Status, r.Body)
		}
		expectDenial(t, workertest.Curl(t, dir, caFile, "stranger", "POST", base+"/v1/invoices"), "403", "default", []string{})
	}
	refuseOnHangup := func(t *testing.T, data []byte, want string) {
		t.Helper()
		mark := w.Mark()
		writeFile(t, bundlePath, data)
		w.Signal(t, syscall.SIGHUP)
		if line := w.WaitForLogSince(t, mark, "cap bundle reload failed"); !strings.Contains(line, want) {
			t.Fatalf("reload refusal should say %q: %s", want, line)
		}
		expectLastGood(t)
	}
	wideOpen := []cap.Rule{{ID: "everyone", Action: cap.ActionAllow, Callers: []cap.Caller{{TrustDomain: trustDomain}}, Capabilities: []string{"*"}}}
	t.Run("reloaded bundle for another service is refused", func(t *testing.T) {
		ledger := billingPolicy(wideOpen...)
		ledger.Service = "ledger"
		data, _ := signer.sign(t, ledger)
		refuseOnHangup(t, data, `is for service \"ledger\", this service is \"billing\"`)
	})
	t.Run("tampered bundle is refused", func(t *testing.T) {
		tampered := bytes.Replace(bundleData, []byte(`{"service":"worker"}`), []byte(`{"trust_domain":"`+trustDomain+`"}`), 1)
		if bytes.Equal(tampered, bundleData) {
			t.Fatal("test bug: nothing tampered")
		}
		refuseOnHangup(t, tampered, "modified after it was signed")
	})
	t.Run("unsigned bundle is refused", func(t *testing.T) {
		unsigned, _, _ := cap.Marshal(billingPolicy(wideOpen...))
		refuseOnHangup(t, unsigned, "not signed")
	})
	t.Run("same-size same-mtime fix is picked up on SIGHUP", func(t *testing.T) {
		// The refused file and its fix differ only in who signed them, so
		// size and mtime (restored with Chtimes) are the same.
		fixRule := cap.Rule{ID: "fix-a", Action: cap.ActionDeny, Callers: []cap.Caller{{Service: "stranger"}}, Capabilities: []string{"invoice.read"}}
		broken, _ := billingBundle(t, newPolicySigner(t, t.TempDir()), fixRule)
		fixed, fixedDigest := billingBundle(t, signer, fixRule)
		if len(broken) != len(fixed) {
			t.Fatalf("test bug: %d vs %d bytes", len(broken), len(fixed))
		}
		stamp := time.Now().Add(-time.Hour).Truncate(time.Second)
		writeWithStamp := func(data []byte) {
			writeFile(t, bundlePath, data)
			if err := os.Chtimes(bundlePath, stamp, stamp); err != nil {
				t.Fatal(err)
			}
		}
		mark := w.Mark()
		writeWithStamp(broken)
		w.Signal(t, syscall.SIGHUP)
		if line := w.WaitForLogSince(t, mark, "cap bundle reload failed"); !strings.Contains(line, "none of which this service trusts") {
			t.Fatalf("the broken file should be refused: %s", line)
		}
		expectLastGood(t)
		mark = w.Mark()
		writeWithStamp(fixed)
		w.Signal(t, syscall.SIGHUP)
		if line := w.WaitForLogSince(t, mark, "cap bundle reloaded"); !strings.Contains(line, fixedDigest) {
			t.Fatalf("the fix was not loaded: %s", line)
		}
		digest = fixedDigest
		expectDenial(t, workertest.Curl(t, dir, caFile, "stranger", "GET", base+"/v1/invoices/42"), "403", "matched_deny", []string{"fix-a"})
	})
	t.Run("valid bundle replaces the old one", func(t *testing.T) {
		newData, newDigest := billingBundle(t, signer, cap.Rule{ID: "freeze-reads", Action: cap.ActionDeny, Callers: []cap.Caller{{Service: "worker"}}, Capabilities: []string{"invoice.read"}})
		mark := w.Mark()
		writeFile(t, bundlePath, newData)
		w.Signal(t, syscall.SIGHUP)
		w.WaitForLogSince(t, mark, "cap bundle reloaded")
		digest = newDigest
		expectDenial(t, workertest.Curl(t, dir, caFile, "worker", "GET", base+"/v1/invoices/42"), "403", "matched_deny", []string{"freeze-reads"})
	})
}

func TestWorkerRefusesToStartOnBadInput(t *testing.T) {
	dir := t.TempDir()
	ca := newTestCA(t, "crank test CA")
	caFile := filepath.Join(dir, "ca.pem")
	writeFile(t, caFile, ca.pem)
	cert, key := ca.issue(t, dir, "billing", "billing")
	_, otherKey := ca.issue(t, dir, "other", "other")
	otherCA := newTestCA(t, "other CA")
	otherCAFile := filepath.Join(dir, "other-ca.pem")
	writeFile(t, otherCAFile, otherCA.pem)
	signer := newPolicySigner(t, dir)
	bundleData, _ := billingBundle(t, signer)
	bundle := filepath.Join(dir, "bundle.json")
	writeFile(t, bundle, bundleData)
	unsigned := filepath.Join(dir, "unsigned.json")
	unsignedData, _, _ := cap.Marshal(billingPolicy())
	writeFile(t, unsigned, unsignedData)
	otherSigner := newPolicySigner(t, t.TempDir())
	foreign := filepath.Join(dir, "foreign.json")
	foreignData, _ := billingBundle(t, otherSigner)
	writeFile(t, foreign, foreignData)
	garbage := filepath.Join(dir, "garbage.pem")
	writeFile(t, garbage, []byte("not a PEM file\n"))
	wrongService := filepath.Join(dir, "wrong-service.json")
	wrongData, _ := signer.sign(t, cap.Policy{Service: "ledger", TrustDomain: trustDomain, Capabilities: []cap.Capability{{Name: "x"}}})
	writeFile(t, wrongService, wrongData)
	futureSchema := filepath.Join(dir, "v2.json")
	writeFile(t, futureSchema, bytes.Replace(unsignedData, []byte("bundle/v1"), []byte("bundle/v2"), 1))

	tests := []struct {
		name                string
		cert, key, ca, bund string
		wantMessage         string
		flags               []string
	}{
		{"certificate is not PEM", garbage, key, caFile, bundle, "do not form a pair", nil},
		{"key does not match certificate", cert, otherKey, caFile, bundle, "do not form a pair", nil},
		{"CA file missing", cert, key, filepath.Join(dir, "missing.pem"), bundle, "read CA bundle", nil},
		{"CA file is not a certificate", cert, key, key, bundle, "PRIVATE KEY", nil},
		{"certificate from another CA", cert, key, otherCAFile, bundle, "does not chain to the CA bundle", nil},
		{"bundle missing", cert, key, caFile, filepath.Join(dir, "nope.json"), "read capability bundle", nil},
		{"bundle not JSON", cert, key, caFile, garbage, "not a JSON object", nil},
		{"bundle of a future major version", cert, key, caFile, futureSchema, "not supported", []string{"-allow-unsigned-bundle"}},
		{"bundle for another service", cert, key, caFile, wrongService, `is for service "ledger"`, nil},
		{"no bundle flag", cert, key, caFile, "", "missing required flags [-bundle]", nil},
		{"unsigned bundle", cert, key, caFile, unsigned, "capability bundle is not signed", nil},
		{"bundle signed by an untrusted key", cert, key, caFile, foreign, "none of which this service trusts", nil},
		{"no policy keys", cert, key, caFile, bundle, "missing -policy-keys", []string{"-policy-keys", ""}},
		{"policy keys file holds the private key", cert, key, caFile, bundle, "PUBLIC KEY", []string{"-policy-keys", key}},
		{"negative idle timeout", cert, key, caFile, bundle, "IdleTimeout is -1s", []string{"-idle-timeout", "-1s"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			args := append([]string{"-listen", "127.0.0.1:0", "-cert", tc.cert, "-key", tc.key, "-ca", tc.ca, "-bundle", tc.bund, "-policy-keys", signer.keysFile}, tc.flags...)
			cmd := exec.CommandContext(ctx, workertest.Binary(t), args...)
			out, err := cmd.CombinedOutput()
			var exitErr *exec.ExitError
			if !errors.As(err, &exitErr) || exitErr.ExitCode() == 0 {
				t.Fatalf("worker should exit non-zero, got %v; output:\n%s", err, out)
			}
			if !strings.Contains(string(out), tc.wantMessage) {
				t.Fatalf("output should contain %q:\n%s", tc.wantMessage, out)
			}
			if strings.Contains(string(out), "worker listening") {
				t.Fatalf("worker started listening despite bad input:\n%s", out)
			}
		})
	}
}

// TestWorkerIdleConnectionsDoNotStarveNewClients holds 300 idle
// authenticated connections from one identity, the fault that used to
// exhaust the worker's file descriptors, and checks a new client is served
// and the held connections are closed by the timeouts.
func TestWorkerIdleConnectionsDoNotStarveNewClients(t *testing.T) {
	workertest.RequireTool(t, "curl")
	dir := t.TempDir()
	ca := newTestCA(t, "crank test CA")
	caFile := filepath.Join(dir, "ca.pem")
	writeFile(t, caFile, ca.pem)
	serverCert, serverKey := ca.issue(t, dir, "billing", "billing")
	idlerCert, idlerKey := ca.issue(t, dir, "idler", "idler")
	ca.issue(t, dir, "worker", "worker")
	signer := newPolicySigner(t, dir)
	bundleData, _ := billingBundle(t, signer)
	bundlePath := filepath.Join(dir, "bundle.json")
	writeFile(t, bundlePath, bundleData)
	w := workertest.Start(t, "-listen", "127.0.0.1:0", "-cert", serverCert, "-key", serverKey, "-ca", caFile, "-bundle", bundlePath,
		"-policy-keys", signer.keysFile, "-max-conns-per-identity", "8", "-idle-timeout", "2s", "-read-header-timeout", "2s")

	pair, err := tls.LoadX509KeyPair(idlerCert, idlerKey)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)
	idler := &tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: roots, ServerName: "127.0.0.1", NextProtos: []string{"http/1.1"}}
	var held []*tls.Conn
	t.Cleanup(func() {
		for _, c := range held {
			_ = c.Close()
		}
	})
	for range 300 {
		if c, err := tls.Dial("tcp", w.Addr, idler); err == nil {
			held = append(held, c)
		}
	}
	r := workertest.Curl(t, dir, caFile, "worker", "GET", "https://"+w.Addr+"/v1/invoices/42")
	if r.ExitCode != 0 || r.Status != "200" {
		t.Fatalf("a new client is starved by 300 idle connections: exit %d status %s %s", r.ExitCode, r.Status, r.Stderr)
	}
	line := w.WaitForLog(t, "connection refused: the peer identity is at its connection cap")
	if !strings.Contains(line, `"peer":"spiffe://example.org/idler"`) || !strings.Contains(line, `"cap":8`) {
		t.Fatalf("refusal log: %s", line)
	}
	var counts cap.ConnCounts
	deadline := time.Now().Add(60 * time.Second)
	for {
		r = workertest.Curl(t, dir, caFile, "worker", "GET", "https://"+w.Addr+"/debug/conns")
		counts = cap.ConnCounts{} // Unmarshal merges into a map it already holds
		if err := json.Unmarshal(r.Body, &counts); err != nil {
			t.Fatalf("/debug/conns: %q", r.Body)
		}
		if counts.OpenByIdentity["spiffe://example.org/idler"] == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("idle connections were not closed by the timeouts: %+v", counts)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if counts.PeakPerIdentity != 8 || counts.RefusedPerIdentity < 150 {
		t.Fatalf("per-identity cap not applied: %+v", counts)
	}
}
