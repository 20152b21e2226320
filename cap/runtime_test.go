package cap

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

type issuer struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(48 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &issuer{cert: cert, key: key}
}

func (is *issuer) leaf(t *testing.T, spiffeID string, notAfter time.Time) (*x509.Certificate, []byte, []byte) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	u, _ := url.Parse(spiffeID)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), NotBefore: time.Now().Add(-time.Hour), NotAfter: notAfter,
		URIs: []*url.URL{u}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, is.cert, &key.PublicKey, is.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
}

func (is *issuer) pem() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: is.cert.Raw})
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// bump makes a rewritten file look changed even on coarse-mtime filesystems.
func bump(t *testing.T, path string, offset time.Duration) {
	t.Helper()
	when := time.Now().Add(offset)
	if err := os.Chtimes(path, when, when); err != nil {
		t.Fatal(err)
	}
}

// workerFiles writes a billing worker's certificate, key and CA into a
// temporary directory; certPEM and keyPEM are what was written.
func workerFiles(t *testing.T) (ca *issuer, files TLSFiles, certPEM, keyPEM []byte) {
	t.Helper()
	dir := t.TempDir()
	ca = newIssuer(t)
	files = TLSFiles{CertFile: filepath.Join(dir, "c.pem"), KeyFile: filepath.Join(dir, "k.pem"), CAFile: filepath.Join(dir, "ca.pem")}
	_, certPEM, keyPEM = ca.leaf(t, "spiffe://example.org/billing", time.Now().Add(24*time.Hour))
	write(t, files.CertFile, certPEM)
	write(t, files.KeyFile, keyPEM)
	write(t, files.CAFile, ca.pem())
	return ca, files, certPEM, keyPEM
}

func TestWorkerTLSLoadRotateAndKeepLastGood(t *testing.T) {
	ca, files, _, _ := workerFiles(t)
	var logs bytes.Buffer
	w, err := LoadWorkerTLS(files, slog.New(slog.NewJSONHandler(&logs, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if w.Identity().String() != "spiffe://example.org/billing" {
		t.Fatalf("identity %s", w.Identity())
	}
	cfg, _ := w.ServerConfig().GetConfigForClient(nil)
	if cfg.ClientAuth != tls.RequireAndVerifyClientCert || cfg.MinVersion < tls.VersionTLS12 || cfg.ClientCAs == nil {
		t.Fatalf("config does not require verified client certs: %+v", cfg)
	}
	if changed, err := w.Reload(); changed || err != nil {
		t.Fatalf("unchanged files must not reload: %v %v", changed, err)
	}

	rotated, certPEM2, keyPEM2 := ca.leaf(t, "spiffe://example.org/billing", time.Now().Add(30*time.Hour))
	write(t, files.CertFile, certPEM2)
	write(t, files.KeyFile, keyPEM2)
	bump(t, files.CertFile, time.Second)
	bump(t, files.KeyFile, time.Second)
	if changed, err := w.Reload(); !changed || err != nil {
		t.Fatalf("rotation not picked up: %v %v", changed, err)
	}
	cfg, _ = w.ServerConfig().GetConfigForClient(nil)
	if !bytes.Equal(cfg.Certificates[0].Leaf.Raw, rotated.Raw) {
		t.Fatal("handshakes do not see the rotated certificate")
	}

	// Half a rotation: new certificate, old key. The pair check fails and
	// the rotated pair stays in use.
	_, certPEM3, _ := ca.leaf(t, "spiffe://example.org/billing", time.Now().Add(40*time.Hour))
	write(t, files.CertFile, certPEM3)
	bump(t, files.CertFile, 2*time.Second)
	if changed, err := w.Reload(); changed || err == nil || !strings.Contains(err.Error(), "do not form a pair") {
		t.Fatalf("mismatched pair must be refused: %v %v", changed, err)
	}
	cfg, _ = w.ServerConfig().GetConfigForClient(nil)
	if !bytes.Equal(cfg.Certificates[0].Leaf.Raw, rotated.Raw) {
		t.Fatal("a bad rotation replaced the last good certificate")
	}
	if !strings.Contains(logs.String(), "keeping the current certificate") {
		t.Fatalf("failure not logged: %s", logs.String())
	}
	if strings.Contains(logs.String(), "PRIVATE KEY") {
		t.Fatal("key material in the log")
	}
}

func TestLoadWorkerTLSFailsHard(t *testing.T) {
	dir := t.TempDir()
	ca := newIssuer(t)
	_, certPEM, keyPEM := ca.leaf(t, "spiffe://example.org/billing", time.Now().Add(time.Hour))
	write(t, filepath.Join(dir, "c.pem"), certPEM)
	write(t, filepath.Join(dir, "k.pem"), keyPEM)
	write(t, filepath.Join(dir, "ca.pem"), ca.pem())
	write(t, filepath.Join(dir, "empty.pem"), nil)
	files := TLSFiles{CertFile: filepath.Join(dir, "c.pem"), KeyFile: filepath.Join(dir, "k.pem"), CAFile: filepath.Join(dir, "ca.pem")}
	later := func() time.Time { return time.Now().Add(2 * time.Hour) }
	tests := []struct {
		name  string
		files TLSFiles
		now   func() time.Time
		want  string
	}{
		{"expired certificate", files, later, "expired"},
		{"empty CA file", TLSFiles{files.CertFile, files.KeyFile, filepath.Join(dir, "empty.pem")}, nil, "is empty"},
		{"leaf as CA", TLSFiles{files.CertFile, files.KeyFile, files.CertFile}, nil, "not a CA certificate"},
		{"missing key", TLSFiles{files.CertFile, filepath.Join(dir, "none"), files.CAFile}, nil, "read private key"},
		{"no file names", TLSFiles{}, nil, "no certificate file given"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadWorkerTLS(tc.files, slog.New(slog.DiscardHandler), tc.now)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func verifiedState(cert *x509.Certificate) *tls.ConnectionState {
	return &tls.ConnectionState{PeerCertificates: []*x509.Certificate{cert}, VerifiedChains: [][]*x509.Certificate{{cert}}}
}

func TestHTTPMiddleware(t *testing.T) {
	ca := newIssuer(t)
	gw, _, _ := ca.leaf(t, id("/api-gateway"), time.Now().Add(time.Hour))
	worker, _, _ := ca.leaf(t, id("/worker"), time.Now().Add(time.Hour))
	clock := &fakeClock{now: time.Unix(1000, 0)}
	e := mustCompile(t, billingPolicy(
		Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}, RateLimit: &RateLimit{RPS: 0.5, Burst: 1}},
		Rule{ID: "no-worker", Action: ActionDeny, Callers: []Caller{{Service: "worker"}}, Capabilities: []string{"*"}},
	), WithClock(clock.Now))
	var logs bytes.Buffer
	decisions := NewDecisionLog(slog.New(slog.NewJSONHandler(&logs, nil)))
	handler := HTTPMiddleware(e, decisions)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, _ := DecisionFromContext(r.Context())
		w.Write([]byte("hello " + d.Caller))
	}))
	serve := func(state *tls.ConnectionState, method, path string) (int, http.Header, map[string]any) {
		r, rec := newRequest(method, path)
		r.TLS = state
		handler.ServeHTTP(rec, r)
		var body map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		return rec.Code, rec.Header(), body
	}
	if code, _, _ := serve(verifiedState(gw), "GET", "/v1/invoices/1?token=secret"); code != 200 {
		t.Fatalf("allowed caller got %d", code)
	}
	code, header, body := serve(verifiedState(gw), "GET", "/v1/invoices/1")
	if code != 429 || header.Get("Retry-After") != "2" || body["reason"] != "rate_limited" {
		t.Fatalf("over rate: %d %v %v", code, header, body)
	}
	code, _, body = serve(verifiedState(worker), "GET", "/v1/invoices/1")
	if code != 403 || body["reason"] != "matched_deny" || body["rule_ids"].([]any)[0] != "no-worker" || body["bundle_digest"] != e.Digest() {
		t.Fatalf("denied: %d %v", code, body)
	}
	unverified := verifiedState(gw)
	unverified.VerifiedChains = nil
	if code, _, body = serve(unverified, "GET", "/v1/invoices/1"); code != 403 || body["reason"] != "no_identity" {
		t.Fatalf("unverified certificate: %d %v", code, body)
	}
	if code, _, body = serve(verifiedState(gw), "DELETE", "/v1/invoices/1"); code != 403 || body["reason"] != "unknown_capability" {
		t.Fatalf("unmapped route: %d %v", code, body)
	}
	counts := decisions.Counts()
	if counts.Allowed != 1 || counts.Denied != 4 || counts.ByReason[ReasonRateLimited] != 1 || counts.ByReason[ReasonNoIdentity] != 1 {
		t.Fatalf("counts %+v", counts)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("want one log line per decision, got %d:\n%s", len(lines), logs.String())
	}
	if strings.Contains(logs.String(), "secret") {
		t.Fatal("query string leaked into the decision log")
	}
	var first map[string]any
	_ = json.Unmarshal([]byte(lines[0]), &first)
	if first["decision"] != "allow" || first["caller"] != id("/api-gateway") || first["capability"] != "invoice.read" || first["reason"] != "matched_allow" {
		t.Fatalf("log line %v", first)
	}
}

func TestGRPCInterceptors(t *testing.T) {
	ca := newIssuer(t)
	gw, _, _ := ca.leaf(t, id("/api-gateway"), time.Now().Add(time.Hour))
	clock := &fakeClock{now: time.Unix(1000, 0)}
	e := mustCompile(t, billingPolicy(
		Rule{ID: "gw-void", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.void"}, RateLimit: &RateLimit{RPS: 1, Burst: 1}},
	), WithClock(clock.Now))
	ctxFor := func(cert *x509.Certificate) context.Context {
		return peer.NewContext(context.Background(), &peer.Peer{AuthInfo: credentials.TLSInfo{State: *verifiedState(cert)}})
	}
	unary := UnaryServerInterceptor(e, nil)
	called := 0
	handler := func(context.Context, any) (any, error) { called++; return "ok", nil }
	info := &grpc.UnaryServerInfo{FullMethod: "/billing.v1.Invoices/Void"}
	if _, err := unary(ctxFor(gw), nil, info, handler); err != nil || called != 1 {
		t.Fatalf("allowed call: %v", err)
	}
	_, err := unary(ctxFor(gw), nil, info, handler)
	st := status.Convert(err)
	if st.Code() != codes.ResourceExhausted || !strings.Contains(st.Message(), "rate_limited") || !strings.Contains(st.Message(), "gw-void") {
		t.Fatalf("over rate: %v", err)
	}
	var sawInfo, sawRetry bool
	for _, detail := range st.Details() {
		switch d := detail.(type) {
		case *errdetails.ErrorInfo:
			sawInfo = d.Reason == "rate_limited" && d.Metadata["rule_ids"] == "gw-void" && d.Domain == GRPCErrorDomain
		case *errdetails.RetryInfo:
			sawRetry = d.RetryDelay.AsDuration() == time.Second
		}
	}
	if !sawInfo || !sawRetry {
		t.Fatalf("details missing: %v", st.Details())
	}
	stream := StreamServerInterceptor(e, nil)
	err = stream(nil, fakeStream{ctx: context.Background()}, &grpc.StreamServerInfo{FullMethod: "/billing.v1.Invoices/Void"}, func(any, grpc.ServerStream) error { return errors.New("must not run") })
	if st := status.Convert(err); st.Code() != codes.PermissionDenied || !strings.Contains(st.Message(), "no_identity") {
		t.Fatalf("stream without TLS peer: %v", err)
	}
	_, err = unary(ctxFor(gw), nil, &grpc.UnaryServerInfo{FullMethod: "/billing.v1.Invoices/Delete"}, handler)
	if st := status.Convert(err); st.Code() != codes.PermissionDenied || !strings.Contains(st.Message(), "unknown_capability") {
		t.Fatalf("unmapped method: %v", err)
	}
}

type fakeStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s fakeStream) Context() context.Context { return s.ctx }

func TestWorkerTLSReloadDecidedByContent(t *testing.T) {
	ca, files, certPEM, keyPEM := workerFiles(t)
	w, err := LoadWorkerTLS(files, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	// A rotated pair of exactly the old sizes (ECDSA encodings vary by a
	// byte or two, so draw until they match), written back with the old
	// mtimes: only the content says it changed.
	var rotated []byte
	var rotatedKey []byte
	for range 200 {
		_, c, k := ca.leaf(t, "spiffe://example.org/billing", time.Now().Add(24*time.Hour))
		if len(c) == len(certPEM) && len(k) == len(keyPEM) && !bytes.Equal(c, certPEM) {
			rotated, rotatedKey = c, k
			break
		}
	}
	if rotated == nil {
		t.Fatal("test bug: no same-size certificate drawn")
	}
	rewriteKeepingStamp(t, files.KeyFile, rotatedKey)
	rewriteKeepingStamp(t, files.CertFile, rotated)
	if changed, err := w.Reload(); !changed || err != nil {
		t.Fatalf("a same-size, same-mtime rotation was ignored: %v %v", changed, err)
	}
	cfg, _ := w.ServerConfig().GetConfigForClient(nil)
	if !bytes.Equal(rotated, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cfg.Certificates[0].Leaf.Raw})) {
		t.Fatal("handshakes do not see the rotated certificate")
	}
}

func (is *issuer) pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(is.cert)
	return pool
}
