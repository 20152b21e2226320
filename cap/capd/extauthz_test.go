package capd

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/crank-platform/terraform-provider-crank/cap"
	"github.com/crank-platform/terraform-provider-crank/cap/internal/testpki"
)

// envoyEscape encodes PEM the way Envoy fills attributes.source.certificate
// (ConnectionInfoImplBase::urlEncodedPemEncodedPeerCertificate replaces
// newline, space, '+', '/' and '=' by their percent escapes).
func envoyEscape(pem []byte) string {
	return strings.NewReplacer("\n", "%0A", " ", "%20", "+", "%2B", "/", "%2F", "=", "%3D").Replace(string(pem))
}

func socketAddress(ip string, port uint32) *corev3.Address {
	return &corev3.Address{Address: &corev3.Address_SocketAddress{SocketAddress: &corev3.SocketAddress{
		Address: ip, PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: port}}}}
}

// envoyCheck builds a CheckRequest the way Envoy's HTTP ext_authz filter
// does with include_peer_certificate: true and a downstream mTLS
// listener: source carries the peer's address, principal (its URI SAN) and
// URL-encoded PEM certificate; request.http the pseudo-headers, method,
// path with query, host, scheme and protocol; tls_session the SNI.
func envoyCheck(caller *testpki.Leaf, method, path string) *authv3.CheckRequest {
	host := "billing.example.org"
	source := &authv3.AttributeContext_Peer{Address: socketAddress("127.0.0.1", 51234)}
	if caller != nil {
		source.Principal = caller.Cert.URIs[0].String()
		source.Certificate = envoyEscape(caller.CertPEM)
	}
	return &authv3.CheckRequest{Attributes: &authv3.AttributeContext{
		Source:      source,
		Destination: &authv3.AttributeContext_Peer{Address: socketAddress("127.0.0.1", 10000), Principal: spiffe("billing")},
		Request: &authv3.AttributeContext_Request{
			Time: timestamppb.Now(),
			Http: &authv3.AttributeContext_HttpRequest{
				Id: "4f2c9a1e-0d7b-4c55-9b8e-6a1f3e2d7c90", Method: method, Path: path, Host: host,
				Scheme: "https", Protocol: "HTTP/2",
				Headers: map[string]string{
					":authority": host, ":method": method, ":path": path, ":scheme": "https",
					"user-agent": "curl/8.14.1", "accept": "*/*", "x-forwarded-proto": "https",
					"x-request-id": "4f2c9a1e-0d7b-4c55-9b8e-6a1f3e2d7c90",
				},
			},
		},
		TlsSession:        &authv3.AttributeContext_TLSSession{Sni: host},
		ContextExtensions: map[string]string{},
	}}
}

// startExtAuthz serves s over real gRPC with mutual TLS on loopback and
// returns a client holding the proxy's certificate.
func startExtAuthz(t testing.TB, w *world, s *Server, client tls.Certificate) authv3.AuthorizationClient {
	t.Helper()
	workerTLS, err := cap.LoadWorkerTLS(w.tlsFiles, quiet(), nil)
	if err != nil {
		t.Fatal(err)
	}
	options, _, err := cap.GRPCServerOptions(workerTLS, cap.ServerLimits{}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	server := grpc.NewServer(append(options, grpc.ChainUnaryInterceptor(s.ProxyInterceptor()))...)
	authv3.RegisterAuthorizationServer(server, s.ExtAuthz())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = server.Serve(ln) }()
	t.Cleanup(server.Stop)
	roots := x509.NewCertPool()
	roots.AddCert(w.ca.Cert)
	conn, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{
		MinVersion: tls.VersionTLS12, RootCAs: roots, Certificates: []tls.Certificate{client},
	})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return authv3.NewAuthorizationClient(conn)
}

type checkResult struct {
	allowed bool
	code    codes.Code
	status  int
	headers http.Header
	body    map[string]any
}

func check(t *testing.T, client authv3.AuthorizationClient, req *authv3.CheckRequest) checkResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := client.Check(ctx, req)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	r := checkResult{code: codes.Code(resp.GetStatus().GetCode()), headers: http.Header{}}
	if ok := resp.GetOkResponse(); ok != nil {
		r.allowed, r.status = true, 200
		for _, h := range ok.GetHeaders() {
			if h.GetAppendAction() != corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD {
				t.Errorf("upstream header %s must overwrite what the client sent", h.GetHeader().GetKey())
			}
			r.headers.Set(h.GetHeader().GetKey(), h.GetHeader().GetValue())
		}
		return r
	}
	denied := resp.GetDeniedResponse()
	if denied == nil {
		t.Fatalf("response is neither ok nor denied: %v", resp)
	}
	r.status = int(denied.GetStatus().GetCode())
	for _, h := range denied.GetHeaders() {
		r.headers.Set(h.GetHeader().GetKey(), h.GetHeader().GetValue())
	}
	if err := json.Unmarshal([]byte(denied.GetBody()), &r.body); err != nil {
		t.Fatalf("denied body is not JSON: %q", denied.GetBody())
	}
	return r
}

func (r checkResult) expectDenied(t *testing.T, status int, code codes.Code, reason string, ruleIDs string) {
	t.Helper()
	if r.allowed || r.status != status || r.code != code || r.headers.Get(cap.HeaderReason) != reason || r.headers.Get(cap.HeaderRuleIDs) != ruleIDs {
		t.Fatalf("got allowed=%v status %d code %s headers %v, want %d %s reason %s rule ids %q", r.allowed, r.status, r.code, r.headers, status, code, reason, ruleIDs)
	}
	if r.body["reason"] != reason || r.body["decision"] != "deny" {
		t.Fatalf("body %v", r.body)
	}
}

func TestExtAuthzOverMutualTLS(t *testing.T) {
	w := newWorld(t)
	s, limiter, registry := w.newTestServer(t)
	client := startExtAuthz(t, w, s, w.proxy.Pair)
	billingDigest := w.bundles["billing"].Evaluator().Digest()

	t.Run("allow", func(t *testing.T) {
		r := check(t, client, envoyCheck(&w.gateway, "GET", "/v1/invoices/42?expand=lines"))
		if !r.allowed || r.code != codes.OK || r.headers.Get(HeaderCaller) != spiffe("api-gateway") ||
			r.headers.Get(HeaderCapability) != "invoice.read" || r.headers.Get(cap.HeaderBundleDigest) != billingDigest {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("deny names the reason, rule and bundle", func(t *testing.T) {
		r := check(t, client, envoyCheck(&w.worker, "POST", "/v1/invoices"))
		r.expectDenied(t, 403, codes.PermissionDenied, "matched_deny", "worker-never-creates")
		if r.headers.Get(cap.HeaderBundleDigest) != billingDigest || r.headers.Get("Content-Type") != "application/json" {
			t.Fatalf("headers %v", r.headers)
		}
	})
	t.Run("deny headers equal the middleware's", func(t *testing.T) {
		r := check(t, client, envoyCheck(&w.worker, "POST", "/v1/invoices"))
		mw := cap.HTTPMiddleware(w.bundles["billing"], nil)(http.NotFoundHandler())
		req := httptest.NewRequest("POST", "/v1/invoices", nil)
		req.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{w.worker.Cert}, VerifiedChains: [][]*x509.Certificate{{w.worker.Cert, w.ca.Cert}}}
		rec := httptest.NewRecorder()
		mw.ServeHTTP(rec, req)
		for _, name := range []string{cap.HeaderReason, cap.HeaderRuleIDs, cap.HeaderBundleDigest, "Retry-After"} {
			if got, want := r.headers.Get(name), rec.Header().Get(name); got != want {
				t.Errorf("%s: ext_authz %q, middleware %q", name, got, want)
			}
		}
		if r.status != rec.Code {
			t.Errorf("status: ext_authz %d, middleware %d", r.status, rec.Code)
		}
	})
	t.Run("unknown caller", func(t *testing.T) {
		check(t, client, envoyCheck(&w.stranger, "GET", "/v1/invoices/42")).expectDenied(t, 403, codes.PermissionDenied, "default", "")
	})
	t.Run("certificate of another CA", func(t *testing.T) {
		r := check(t, client, envoyCheck(&w.forged, "GET", "/v1/invoices/42"))
		r.expectDenied(t, 403, codes.PermissionDenied, "identity_invalid", "")
		if !strings.Contains(r.headers.Get(cap.HeaderDetail), "does not verify against the client trust bundle") {
			t.Fatalf("detail %q", r.headers.Get(cap.HeaderDetail))
		}
	})
	t.Run("missing identity", func(t *testing.T) {
		r := check(t, client, envoyCheck(nil, "GET", "/v1/invoices/42"))
		r.expectDenied(t, 403, codes.PermissionDenied, "no_identity", "")
		if !strings.Contains(r.headers.Get(cap.HeaderDetail), "include_peer_certificate") {
			t.Fatalf("detail %q", r.headers.Get(cap.HeaderDetail))
		}
	})
	t.Run("principal alone is not trusted by default", func(t *testing.T) {
		req := envoyCheck(&w.gateway, "GET", "/v1/invoices/42")
		req.Attributes.Source.Certificate = ""
		check(t, client, req).expectDenied(t, 403, codes.PermissionDenied, "no_identity", "")
	})
	t.Run("unmapped route", func(t *testing.T) {
		check(t, client, envoyCheck(&w.gateway, "DELETE", "/v1/invoices/42")).expectDenied(t, 403, codes.PermissionDenied, "unknown_capability", "")
	})
	t.Run("non-canonical path", func(t *testing.T) {
		r := check(t, client, envoyCheck(&w.gateway, "GET", "/v1/exports/../invoices/42"))
		r.expectDenied(t, 403, codes.PermissionDenied, "unknown_capability", "")
		if !strings.Contains(r.headers.Get(cap.HeaderDetail), "canonical") {
			t.Fatalf("detail %q", r.headers.Get(cap.HeaderDetail))
		}
	})
	t.Run("gRPC request maps by service and method", func(t *testing.T) {
		req := envoyCheck(&w.gateway, "POST", "/billing.v1.Invoices/Void")
		req.Attributes.Request.Http.Headers["content-type"] = "application/grpc"
		if r := check(t, client, req); !r.allowed || r.headers.Get(HeaderCapability) != "invoice.void" {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("headers as a raw header map (encode_raw_headers)", func(t *testing.T) {
		req := envoyCheck(&w.gateway, "POST", "/billing.v1.Invoices/Void")
		httpReq := req.Attributes.Request.Http
		httpReq.Headers = nil
		httpReq.HeaderMap = &corev3.HeaderMap{Headers: []*corev3.HeaderValue{
			{Key: ":path", RawValue: []byte("/billing.v1.Invoices/Void")},
			{Key: "content-type", RawValue: []byte("application/grpc")},
		}}
		if r := check(t, client, req); !r.allowed || r.headers.Get(HeaderCapability) != "invoice.void" {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("rate limit", func(t *testing.T) {
		if r := check(t, client, envoyCheck(&w.gateway, "GET", "/v1/exports")); !r.allowed {
			t.Fatalf("first export within the burst: %+v", r)
		}
		r := check(t, client, envoyCheck(&w.gateway, "GET", "/v1/exports"))
		r.expectDenied(t, 429, codes.ResourceExhausted, "rate_limited", "gateway-export")
		if seconds, err := strconv.Atoi(r.headers.Get("Retry-After")); err != nil || seconds < 1 {
			t.Fatalf("Retry-After %q", r.headers.Get("Retry-After"))
		}
	})
	t.Run("in-flight limit", func(t *testing.T) {
		// The gateway already has a create in progress (the limiter is
		// shared with whatever else enforces for billing).
		release, ok := limiter.Acquire(spiffe("api-gateway"), "invoice.create")
		if !ok {
			t.Fatal("acquire")
		}
		r := check(t, client, envoyCheck(&w.gateway, "POST", "/v1/invoices"))
		r.expectDenied(t, 429, codes.ResourceExhausted, "in_flight_limited", "")
		if r.headers.Get("Retry-After") != "2" {
			t.Fatalf("Retry-After %q", r.headers.Get("Retry-After"))
		}
		release()
		if r := check(t, client, envoyCheck(&w.gateway, "POST", "/v1/invoices")); !r.allowed {
			t.Fatalf("after the slot is free: %+v", r)
		}
	})
	t.Run("service by context extension, header and SNI", func(t *testing.T) {
		req := envoyCheck(&w.worker, "GET", "/v1/reports/9")
		req.Attributes.ContextExtensions["x-crank-service"] = "reports"
		if r := check(t, client, req); !r.allowed || r.headers.Get(cap.HeaderBundleDigest) != w.bundles["reports"].Evaluator().Digest() {
			t.Fatalf("by context extension: %+v", r)
		}
		// A client's header never selects a bundle at Envoy: billing's
		// (by SNI) decides, and it does not know the route.
		req = envoyCheck(&w.worker, "GET", "/v1/reports/9")
		req.Attributes.Request.Http.Headers["x-crank-service"] = "reports"
		check(t, client, req).expectDenied(t, 403, codes.PermissionDenied, "unknown_capability", "")
		req = envoyCheck(&w.worker, "GET", "/v1/reports/9")
		req.Attributes.TlsSession.Sni = "reports.example.org"
		if r := check(t, client, req); !r.allowed {
			t.Fatalf("by SNI: %+v", r)
		}
		// Billing's bundle (chosen by SNI) does not know the route.
		check(t, client, envoyCheck(&w.worker, "GET", "/v1/reports/9")).expectDenied(t, 403, codes.PermissionDenied, "unknown_capability", "")
		req = envoyCheck(&w.worker, "GET", "/v1/reports/9")
		req.Attributes.ContextExtensions["x-crank-service"] = "payroll"
		check(t, client, req).expectDenied(t, 403, codes.PermissionDenied, "unknown_service", "")
		req = envoyCheck(&w.worker, "GET", "/v1/reports/9")
		req.Attributes.TlsSession.Sni = "elsewhere.example.org"
		check(t, client, req).expectDenied(t, 403, codes.PermissionDenied, "unknown_service", "")
	})
	t.Run("metrics count every decision", func(t *testing.T) {
		count := func(via, service, capability, decision, reason string) float64 {
			families, err := registry.Gather()
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range families {
				if f.GetName() != "crank_cap_decisions_total" {
					continue
				}
				for _, m := range f.GetMetric() {
					labels := map[string]string{}
					for _, l := range m.GetLabel() {
						labels[l.GetName()] = l.GetValue()
					}
					if labels["via"] == via && labels["service"] == service && labels["capability"] == capability && labels["decision"] == decision && labels["reason"] == reason {
						return m.GetCounter().GetValue()
					}
				}
			}
			return 0
		}
		for _, tc := range []struct {
			capability, decision, reason string
			service                      string
			want                         float64
		}{
			{"invoice.create", "deny", "matched_deny", "billing", 2},
			{"invoice.export", "deny", "rate_limited", "billing", 1},
			{"invoice.create", "deny", "in_flight_limited", "billing", 1},
			{"", "deny", "unknown_service", "", 2},
			{"report.read", "allow", "matched_allow", "reports", 2},
		} {
			if got := count(cap.ViaExtAuthz, tc.service, tc.capability, tc.decision, tc.reason); got != tc.want {
				t.Errorf("decisions{%s %s %s %s} = %v, want %v", tc.service, tc.capability, tc.decision, tc.reason, got, tc.want)
			}
		}
		if n, err := testutil.GatherAndCount(registry, "crank_cap_decision_duration_seconds"); err != nil || n != 3 {
			t.Errorf("latency series: %d %v (want billing, reports and the unknown service)", n, err)
		}
	})
}

func TestExtAuthzRefusesPeersThatAreNotProxies(t *testing.T) {
	w := newWorld(t)
	s, _, _ := w.newTestServer(t)
	// A workload with a valid certificate of the same CA must not be able
	// to vouch for someone else's (public) certificate.
	client := startExtAuthz(t, w, s, w.worker.Pair)
	_, err := client.Check(context.Background(), envoyCheck(&w.gateway, "GET", "/v1/invoices/42"))
	if st := status.Convert(err); st.Code() != codes.PermissionDenied || !strings.Contains(st.Message(), "not a configured proxy") {
		t.Fatalf("non-proxy peer: %v", err)
	}
}

func TestExtAuthzTrustedPrincipal(t *testing.T) {
	w := newWorld(t)
	s, _, _ := w.newTestServer(t, func(c *Config) { c.TrustProxyPrincipal = true })
	client := startExtAuthz(t, w, s, w.proxy.Pair)
	req := envoyCheck(&w.gateway, "GET", "/v1/invoices/42")
	req.Attributes.Source.Certificate = ""
	if r := check(t, client, req); !r.allowed || r.headers.Get(HeaderCaller) != spiffe("api-gateway") {
		t.Fatalf("principal: %+v", r)
	}
	req = envoyCheck(&w.gateway, "GET", "/v1/invoices/42")
	req.Attributes.Source.Principal = "gateway.example.org" // a DNS SAN: Envoy's fallback without a URI SAN
	check(t, client, req).expectDenied(t, 403, codes.PermissionDenied, "no_identity", "")
}
