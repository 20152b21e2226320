package cap

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// envoyEscape encodes PEM the way Envoy fills attributes.source.certificate
// (ConnectionInfoImplBase::urlEncodedPemEncodedPeerCertificate replaces
// newline, space, '+', '/' and '=' by their percent escapes).
func envoyEscape(pem string) string {
	return strings.NewReplacer("\n", "%0A", " ", "%20", "+", "%2B", "/", "%2F", "=", "%3D").Replace(pem)
}

func TestDecideForwardedVerifiesTheCertificate(t *testing.T) {
	ca, other := newIssuer(t), newIssuer(t)
	e := mustCompile(t, billingPolicy(Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}}))
	_, gwPEM, _ := ca.leaf(t, id("/api-gateway"), time.Now().Add(time.Hour))
	_, foreignPEM, _ := other.leaf(t, id("/api-gateway"), time.Now().Add(time.Hour))
	_, expiredPEM, _ := ca.leaf(t, id("/api-gateway"), time.Now().Add(-time.Minute))
	roots := ca.pool()
	for _, tc := range []struct {
		name, forwarded string
		reason          Reason
		detail          string
	}{
		{"escaped as Envoy does", envoyEscape(string(gwPEM)), ReasonMatchedAllow, ""},
		{"escaped as a path", url.PathEscape(string(gwPEM)), ReasonMatchedAllow, ""},
		{"missing", "", ReasonNoIdentity, "no client certificate forwarded"},
		{"other CA", envoyEscape(string(foreignPEM)), ReasonIdentityInvalid, "does not verify against the client trust bundle"},
		{"expired", envoyEscape(string(expiredPEM)), ReasonIdentityInvalid, "does not verify"},
		{"not PEM", "hello", ReasonIdentityInvalid, "holds no PEM certificate"},
		{"bad escape", "%zz", ReasonIdentityInvalid, "not URL-encoded PEM"},
		{"a key", envoyEscape("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), ReasonIdentityInvalid, "\"PRIVATE KEY\" PEM block"},
		{"huge", strings.Repeat("A", maxForwardedCertificate+1), ReasonIdentityInvalid, "over the"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := e.DecideForwarded(tc.forwarded, roots, time.Now(), "invoice.read")
			if d.Reason != tc.reason || !strings.Contains(d.Detail, tc.detail) {
				t.Fatalf("reason %s detail %q, want %s containing %q", d.Reason, d.Detail, tc.reason, tc.detail)
			}
			if tc.reason == ReasonMatchedAllow && d.Caller != id("/api-gateway") {
				t.Fatalf("caller %q", d.Caller)
			}
		})
	}
}

func TestDecidePrincipal(t *testing.T) {
	e := mustCompile(t, billingPolicy(Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}}))
	for principal, want := range map[string]Reason{
		id("/api-gateway"):            ReasonMatchedAllow,
		id("/jobs"):                   ReasonDefault,
		"":                            ReasonNoIdentity,
		"gateway.example.org":         ReasonNoIdentity,
		"spiffe://example.org":        ReasonIdentityInvalid,
		"spiffe://Example.org/x":      ReasonIdentityInvalid,
		"spiffe://example.org/a/../b": ReasonIdentityInvalid,
	} {
		if d := e.DecidePrincipal(principal, "invoice.read"); d.Reason != want {
			t.Errorf("principal %q: %s (%s), want %s", principal, d.Reason, d.Detail, want)
		}
	}
}

func TestCapabilityForForwardedSharesTheMapping(t *testing.T) {
	e := mustCompile(t, billingPolicy())
	for _, tc := range []struct {
		method, uri string
		grpc        bool
		want        string
		problem     string
	}{
		{"GET", "/v1/invoices/7?expand=lines", false, "invoice.read", ""},
		{"POST", "/v1/invoices", false, "invoice.create", ""},
		{"DELETE", "/v1/invoices/7", false, "", ""},
		{"POST", "/billing.v1.Invoices/Void", true, "invoice.void", ""},
		{"POST", "/billing.v1.Invoices/Other", true, "", ""},
		{"GET", "/v1/invoices/../invoices/7", false, "", "canonical"},
		{"GET", "/v1//invoices/7", false, "", "canonical"},
		{"GET", "v1/invoices/7", false, "", "absolute"},
	} {
		got, err := e.CapabilityForForwarded(tc.method, tc.uri, tc.grpc)
		if got != tc.want || (tc.problem == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.problem)) {
			t.Errorf("%s %s grpc=%v: %q, %v; want %q, problem %q", tc.method, tc.uri, tc.grpc, got, err, tc.want, tc.problem)
		}
		if tc.problem == "" && !tc.grpc {
			r, _ := newRequest(tc.method, tc.uri)
			if mw, _ := e.CapabilityForHTTP(r); mw != got {
				t.Errorf("%s %s: middleware maps to %q, forwarded to %q", tc.method, tc.uri, mw, got)
			}
		}
	}
}

func TestForwardedVerifierRemembersOnlyWhatStillHolds(t *testing.T) {
	ca, other := newIssuer(t), newIssuer(t)
	cert, certPEM, _ := ca.leaf(t, id("/api-gateway"), time.Now().Add(time.Hour))
	forwarded := envoyEscape(string(certPEM))
	v := NewForwardedVerifier(2)
	now := time.Now()
	roots := ca.pool()
	a, _ := v.Verify(forwarded, roots, now)
	b, _ := v.Verify(forwarded, roots, now)
	if a != b {
		t.Fatal("a second verification against the same pool must come from memory")
	}
	if _, err := v.Verify(forwarded, other.pool(), now); err == nil {
		t.Fatal("a chain verified for one trust pool must not be accepted for another")
	}
	if _, err := v.Verify(forwarded, roots, cert.NotAfter.Add(time.Second)); err == nil {
		t.Fatal("a remembered chain must not outlive its certificate")
	}
	for range 5 { // more distinct certificates than the bound: memory stays bounded
		_, p, _ := ca.leaf(t, id("/jobs"), time.Now().Add(time.Hour))
		if _, err := v.Verify(envoyEscape(string(p)), roots, now); err != nil {
			t.Fatal(err)
		}
	}
	if len(v.entries) > 2 {
		t.Fatalf("%d entries, bound 2", len(v.entries))
	}
	e := mustCompile(t, billingPolicy(Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}}))
	if d := v.Decide(e, forwarded, roots, now, "invoice.read"); d.Reason != ReasonMatchedAllow {
		t.Fatalf("decide: %s %s", d.Reason, d.Detail)
	}
	if d := v.Decide(e, "", roots, now, "invoice.read"); d.Reason != ReasonNoIdentity {
		t.Fatalf("missing: %s", d.Reason)
	}
}
