package capd

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/cap"
	"github.com/crank-platform/terraform-provider-crank/cap/internal/testpki"
)

func fromPeer(leaf testpki.Leaf, ca *testpki.CA, serverName string) *tls.ConnectionState {
	return &tls.ConnectionState{ServerName: serverName, PeerCertificates: []*x509.Certificate{leaf.Cert}, VerifiedChains: [][]*x509.Certificate{{leaf.Cert, ca.Cert}}}
}

func TestAuthRequest(t *testing.T) {
	w := newWorld(t)
	s, _, _ := w.newTestServer(t)
	handler := s.AuthRequest()
	ask := func(peer *tls.ConnectionState, caller *testpki.Leaf, method, uri, service string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/auth", nil)
		r.TLS = peer
		if caller != nil {
			// nginx's $ssl_client_escaped_cert escapes like Envoy.
			r.Header.Set(HeaderClientCert, envoyEscape(caller.CertPEM))
		}
		r.Header.Set(HeaderOriginalMethod, method)
		r.Header.Set(HeaderOriginalURI, uri)
		if service != "" {
			r.Header.Set("X-Crank-Service", service)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, r)
		return rec
	}
	proxy := fromPeer(w.proxy, w.ca, "")
	if rec := ask(proxy, &w.gateway, "GET", "/v1/invoices/1?x=y", "billing"); rec.Code != 200 || rec.Header().Get(HeaderCaller) != spiffe("api-gateway") {
		t.Fatalf("allowed: %d %v", rec.Code, rec.Header())
	}
	rec := ask(proxy, &w.worker, "POST", "/v1/invoices", "billing")
	if rec.Code != 403 || rec.Header().Get(cap.HeaderReason) != "matched_deny" || rec.Header().Get(cap.HeaderRuleIDs) != "worker-never-creates" {
		t.Fatalf("denied: %d %v", rec.Code, rec.Header())
	}
	if rec := ask(proxy, &w.stranger, "GET", "/v1/invoices/1", "billing"); rec.Code != 403 || rec.Header().Get(cap.HeaderReason) != "default" {
		t.Fatalf("unlisted: %d %v", rec.Code, rec.Header())
	}
	if rec := ask(proxy, nil, "GET", "/v1/invoices/1", "billing"); rec.Code != 403 || rec.Header().Get(cap.HeaderReason) != "no_identity" {
		t.Fatalf("no certificate: %d %v", rec.Code, rec.Header())
	}
	if rec := ask(proxy, &w.gateway, "", "/v1/invoices/1", "billing"); rec.Code != 403 || rec.Header().Get(cap.HeaderReason) != "unknown_capability" {
		t.Fatalf("no method: %d %v", rec.Code, rec.Header())
	}
	// SNI of the proxy's connection selects the service when no header does.
	if rec := ask(fromPeer(w.proxy, w.ca, "reports.example.org"), &w.worker, "GET", "/v1/reports/3", ""); rec.Code != 200 {
		t.Fatalf("by SNI: %d %v", rec.Code, rec.Header())
	}
	// A workload that is not a proxy cannot vouch for a certificate.
	if rec := ask(fromPeer(w.worker, w.ca, ""), &w.gateway, "GET", "/v1/invoices/1", "billing"); rec.Code != http.StatusForbidden || rec.Header().Get(cap.HeaderReason) != "" {
		t.Fatalf("non-proxy: %d %v", rec.Code, rec.Header())
	}
}
