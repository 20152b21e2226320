package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/crank-platform/terraform-provider-crank/cap/cmd/crank-cap/crankcaptest"
	"github.com/crank-platform/terraform-provider-crank/examples/worker/workertest"
)

func (f *fixture) clientTLS(leaf tls.Certificate) *tls.Config {
	roots := x509.NewCertPool()
	roots.AddCert(f.ca.Cert)
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots, Certificates: []tls.Certificate{leaf}}
}

func (f *fixture) scrape(t *testing.T, addr string) []byte {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: f.clientTLS(f.proxy.Pair)}}
	resp, err := client.Get("https://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /metrics: %d %s", resp.StatusCode, body)
	}
	return body
}

// metricValue finds one series in an exposition by name and labels.
func metricValue(t *testing.T, exposition []byte, name string, labels map[string]string) (float64, bool) {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(exposition))
	if err != nil {
		t.Fatalf("exposition does not parse: %v", err)
	}
	family, ok := families[name]
	if !ok {
		return 0, false
	}
next:
	for _, m := range family.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if have[k] != v {
				continue next
			}
		}
		switch {
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		}
	}
	return 0, false
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestMetricsExpositionRulesAndPrometheusScrape runs the crank-cap binary,
// makes a decision, and checks the metrics endpoint three ways: promtool
// accepts the exposition, the expiry metric is the certificate's
// not-after, and Debian's real Prometheus scrapes it over mutual TLS with
// the alert rules loaded. A refused bundle reload is then counted.
func TestMetricsExpositionRulesAndPrometheusScrape(t *testing.T) {
	promtool := workertest.RequireTool(t, "promtool")
	prometheusBin := workertest.RequireTool(t, "prometheus")
	f := newFixture(t)
	server := crankcaptest.Start(t, f.writeConfig(t), "ext_authz", "metrics")

	conn, err := grpc.NewClient(server.Addrs["ext_authz"], grpc.WithTransportCredentials(credentials.NewTLS(f.clientTLS(f.proxy.Pair))))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := authv3.NewAuthorizationClient(conn)
	askRead := func() *authv3.CheckResponse {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		resp, err := client.Check(ctx, &authv3.CheckRequest{Attributes: &authv3.AttributeContext{
			Source: &authv3.AttributeContext_Peer{Principal: "spiffe://example.org/api-gateway", Certificate: envoyEscape(f.gateway.CertPEM)},
			Request: &authv3.AttributeContext_Request{Http: &authv3.AttributeContext_HttpRequest{
				Method: "GET", Path: "/v1/invoices/1", Host: "billing", Headers: map[string]string{":method": "GET", ":path": "/v1/invoices/1"}}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if resp := askRead(); resp.GetOkResponse() == nil {
		t.Fatalf("gateway read denied: %v", resp)
	}

	exposition := f.scrape(t, server.Addrs["metrics"])
	expositionFile := filepath.Join(f.dir, "metrics.txt")
	if err := os.WriteFile(expositionFile, exposition, 0o644); err != nil {
		t.Fatal(err)
	}
	check := exec.Command(promtool, "check", "metrics")
	check.Stdin = bytes.NewReader(exposition)
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
	rules, _ := filepath.Abs("../../docs/alerts.yml")
	if out, err := exec.Command(promtool, "check", "rules", rules).CombinedOutput(); err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
	leafLabels := map[string]string{"kind": "tls", "role": "leaf", "spiffe_id": "spiffe://example.org/crank-cap"}
	notAfter, ok := metricValue(t, exposition, "crank_cap_certificate_not_after_timestamp_seconds", leafLabels)
	if !ok || notAfter != float64(f.server.Cert.NotAfter.Unix()) {
		t.Fatalf("server not_after metric %v (found %v), certificate says %d", notAfter, ok, f.server.Cert.NotAfter.Unix())
	}
	if v, ok := metricValue(t, exposition, "crank_cap_decisions_total", map[string]string{"via": "ext_authz", "service": "billing", "reason": "matched_allow"}); !ok || v != 1 {
		t.Fatalf("decisions_total = %v (%v)", v, ok)
	}

	// Debian's Prometheus scrapes the endpoint with a client certificate
	// and evaluates the alert rules.
	promDir := filepath.Join(f.dir, "prometheus")
	if err := os.MkdirAll(promDir, 0o755); err != nil {
		t.Fatal(err)
	}
	promAddr := freePort(t)
	promConfig := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [%q]
scrape_configs:
  - job_name: crank-cap
    scheme: https
    tls_config: {ca_file: %q, cert_file: %q, key_file: %q}
    static_configs: [{targets: [%q]}]
`, rules, filepath.Join(f.dir, "ca.pem"), testpkiWrite(t, f.dir, "proxy.pem", f.proxy.CertPEM), testpkiWrite(t, f.dir, "proxy.key", f.proxy.KeyPEM), server.Addrs["metrics"])
	configFile := filepath.Join(promDir, "prometheus.yml")
	if err := os.WriteFile(configFile, []byte(promConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	prom := exec.Command(prometheusBin, "--config.file="+configFile, "--storage.tsdb.path="+filepath.Join(promDir, "data"),
		"--web.listen-address="+promAddr)
	var promLog bytes.Buffer
	prom.Stdout, prom.Stderr = &promLog, &promLog
	if err := prom.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = prom.Process.Signal(syscall.SIGTERM)
		_ = prom.Wait()
		if t.Failed() {
			t.Logf("prometheus log:\n%s", promLog.String())
		}
	})
	query := `crank_cap_certificate_not_after_timestamp_seconds{kind="tls",role="leaf"}`
	var scraped float64
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if v, ok := promQuery(promAddr, query); ok {
			scraped = v
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if scraped != float64(f.server.Cert.NotAfter.Unix()) {
		t.Fatalf("Prometheus scraped not_after %v, certificate says %d", scraped, f.server.Cert.NotAfter.Unix())
	}
	var rulesResp struct {
		Data struct {
			Groups []struct {
				Rules []struct{ Name, Health string }
			}
		}
	}
	if err := getJSON("http://"+promAddr+"/api/v1/rules", &rulesResp); err != nil {
		t.Fatal(err)
	}
	loaded := 0
	for _, g := range rulesResp.Data.Groups {
		for _, r := range g.Rules {
			loaded++
			if r.Health == "err" {
				t.Errorf("rule %s does not evaluate", r.Name)
			}
		}
	}
	if loaded != 7 {
		t.Fatalf("Prometheus loaded %d rules, want 7", loaded)
	}

	// A tampered bundle is refused on SIGHUP, counted, and the last good
	// one keeps deciding.
	mark := server.Mark()
	data, _ := os.ReadFile(filepath.Join(f.dir, "billing.json"))
	testpkiWrite(t, f.dir, "billing.json", bytes.Replace(data, []byte("gateway-read"), []byte("gateway-reed"), 1))
	server.Signal(t, syscall.SIGHUP)
	server.WaitForLogSince(t, mark, "cap bundle reload failed")
	if v, ok := metricValue(t, f.scrape(t, server.Addrs["metrics"]), "crank_cap_reload_failures_total", map[string]string{"kind": "bundle", "name": "billing"}); !ok || v != 1 {
		t.Fatalf("reload failures = %v (%v)", v, ok)
	}
	if resp := askRead(); resp.GetOkResponse() == nil {
		t.Fatalf("the last good bundle must keep deciding: %v", resp)
	}
}

func testpkiWrite(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func getJSON(url string, into any) error {
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(into)
}

func promQuery(addr, query string) (float64, bool) {
	var resp struct {
		Data struct {
			Result []struct {
				Value [2]any
			}
		}
	}
	if err := getJSON("http://"+addr+"/api/v1/query?query="+url.QueryEscape(query), &resp); err != nil || len(resp.Data.Result) != 1 {
		return 0, false
	}
	text, _ := resp.Data.Result[0].Value[1].(string)
	v, err := strconv.ParseFloat(text, 64)
	return v, err == nil
}

// envoyEscape encodes PEM as Envoy forwards it in attributes.source.certificate.
func envoyEscape(pem []byte) string {
	return strings.NewReplacer("\n", "%0A", " ", "%20", "+", "%2B", "/", "%2F", "=", "%3D").Replace(string(pem))
}
