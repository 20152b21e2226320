package cap

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// leafWithURIs issues a client certificate with exactly these URI SANs.
func (is *issuer) leafWithURIs(t *testing.T, serial int64, uris ...string) tls.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "odd client"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	for _, raw := range uris {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		tmpl.URIs = append(tmpl.URIs, u)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, is.cert, &key.PublicKey, is.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestIdentityErrorsNameTheReasonAndThePeer(t *testing.T) {
	e := mustCompile(t, billingPolicy(Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}}))
	logsBuffer := &syncBuffer{}
	decisions := NewDecisionLog(slogJSON(logsBuffer))
	s := startTestServer(t, HTTPMiddleware(e, decisions)(okHandler()), ServerLimits{})
	tests := []struct {
		name, reason, detail string
		uris                 []string
	}{
		{"two URI SANs", "identity_invalid", "certificate has 2 URI SANs", []string{id("/api-gateway"), id("/jobs")}},
		{"non-SPIFFE URI", "identity_invalid", "certificate URI SAN is not a SPIFFE ID", []string{"https://api-gateway.example.org/"}},
		{"bare trust domain", "identity_invalid", "certificate SPIFFE ID names a trust domain, not a workload", []string{"spiffe://" + testTD}},
		{"no URI SAN", "no_identity", "certificate has no SPIFFE ID URI SAN", nil},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			serial := int64(0x5e1a1000 + i)
			config := s.clientConfig(t, id("/unused"))
			config.Certificates = []tls.Certificate{s.ca.leafWithURIs(t, serial, tc.uris...)}
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: config}, Timeout: 20 * time.Second}
			resp, err := client.Get("https://" + s.addr + "/v1/invoices/1")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var denial DenialBody
			if err := json.Unmarshal(body, &denial); err != nil {
				t.Fatalf("body %q: %v", body, err)
			}
			if resp.StatusCode != 403 || string(denial.Reason) != tc.reason || !strings.Contains(denial.Detail, tc.detail) || !strings.Contains(denial.Error, tc.detail) {
				t.Fatalf("got %d %+v, want reason %s detail %q", resp.StatusCode, denial, tc.reason, tc.detail)
			}
			if resp.Header.Get("X-Cap-Reason") != tc.reason || !strings.Contains(resp.Header.Get("X-Cap-Detail"), tc.detail) {
				t.Fatalf("headers %v", resp.Header)
			}
			line := findLogLine(t, logsBuffer.String(), `"peer_serial":"`+big.NewInt(serial).Text(16)+`"`)
			for _, want := range []string{`"reason":"` + tc.reason + `"`, `"peer_addr":"127.0.0.1:`, `"peer_subject":"CN=odd client"`, `"detail":"` + tc.detail} {
				if !strings.Contains(line, want) {
					t.Fatalf("log line lacks %s: %s", want, line)
				}
			}
		})
	}
	if strings.Contains(logsBuffer.String(), "PRIVATE KEY") {
		t.Fatal("key material in the log")
	}
}

func TestGRPCIdentityErrorNamesTheReason(t *testing.T) {
	ca := newIssuer(t)
	pair := ca.leafWithURIs(t, 7, id("/api-gateway"), id("/jobs"))
	cert, _ := x509.ParseCertificate(pair.Certificate[0])
	e := mustCompile(t, billingPolicy())
	ctx := peer.NewContext(context.Background(), &peer.Peer{AuthInfo: credentials.TLSInfo{State: *verifiedState(cert)}})
	_, err := authorizeGRPC(ctx, e, NewEnforcer(ViaGRPC, nil), false, "/billing.v1.Invoices/Void")
	if st := status.Convert(err); st.Code() != codes.PermissionDenied || !strings.Contains(st.Message(), "reason=identity_invalid") || !strings.Contains(st.Message(), "2 URI SANs") {
		t.Fatalf("two-URI peer: %v", err)
	}
}

func findLogLine(t *testing.T, logs, needle string) string {
	t.Helper()
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, needle) {
			return line
		}
	}
	t.Fatalf("no log line with %s:\n%s", needle, logs)
	return ""
}
