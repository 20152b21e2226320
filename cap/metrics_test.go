package cap

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"
)

func gatherFamily(t *testing.T, reg *prometheus.Registry, name string) *dto.MetricFamily {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() == name {
			return f
		}
	}
	t.Fatalf("metric %s not exported", name)
	return nil
}

func labelsOf(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

func TestMetricsFromMiddlewareAndFiles(t *testing.T) {
	ca, files, _, _ := workerFiles(t)
	workerTLS, err := LoadWorkerTLS(files, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	fx := loadSignedBundleFile(t, billingPolicy(Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}}), BundleFileConfig{})
	trust, err := LoadTrustBundle(files.CAFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.WatchBundle(fx.file)
	m.WatchTLS("server", workerTLS)
	m.WatchTrust("clients", trust)

	gw, _, _ := ca.leaf(t, id("/api-gateway"), time.Now().Add(time.Hour))
	jobs, _, _ := ca.leaf(t, id("/jobs"), time.Now().Add(time.Hour))
	handler := HTTPMiddleware(fx.file, nil, WithMetrics(m))(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	for _, call := range []struct {
		cert *tlsCert
		path string
	}{{gw, "/v1/invoices/1"}, {gw, "/v1/invoices/2"}, {jobs, "/v1/invoices/3"}, {gw, "/nowhere"}} {
		r, w := newRequest("GET", call.path)
		r.TLS = verifiedState(call.cert)
		handler.ServeHTTP(w, r)
	}
	for _, want := range []struct {
		capability, decision, reason string
		count                        float64
	}{
		{"invoice.read", "allow", "matched_allow", 2},
		{"invoice.read", "deny", "default", 1},
		{"", "deny", "unknown_capability", 1},
	} {
		got := testutil.ToFloat64(m.decisions.WithLabelValues(ViaHTTP, "billing", want.capability, want.decision, want.reason))
		if got != want.count {
			t.Errorf("decisions{%s,%s,%s} = %v, want %v", want.capability, want.decision, want.reason, got, want.count)
		}
	}
	if n := testutil.CollectAndCount(m.latency); n != 1 {
		t.Errorf("latency series = %d, want 1 (via=http, service=billing)", n)
	}
	latency := gatherFamily(t, reg, "crank_cap_decision_duration_seconds").GetMetric()[0].GetHistogram()
	if latency.GetSampleCount() != 4 {
		t.Errorf("latency samples = %d, want 4", latency.GetSampleCount())
	}

	info := gatherFamily(t, reg, "crank_cap_bundle_info").GetMetric()
	if len(info) != 1 || labelsOf(info[0])["digest"] != fx.file.Evaluator().Digest() || labelsOf(info[0])["service"] != "billing" {
		t.Errorf("bundle info %v", info)
	}
	if age := gatherFamily(t, reg, "crank_cap_bundle_age_seconds").GetMetric()[0].GetGauge().GetValue(); age < 0 || age > 60 {
		t.Errorf("bundle age %v", age)
	}
	leaf, _, cas := workerTLS.Certificates()
	wantNotAfter := map[string]float64{
		"tls/leaf": float64(leaf.NotAfter.Unix()),
		"tls/ca":   float64(cas[0].NotAfter.Unix()),
		"trust/ca": float64(ca.cert.NotAfter.Unix()),
	}
	seen := 0
	for _, metric := range gatherFamily(t, reg, "crank_cap_certificate_not_after_timestamp_seconds").GetMetric() {
		labels := labelsOf(metric)
		key := labels["kind"] + "/" + labels["role"]
		want, ok := wantNotAfter[key]
		if !ok {
			t.Errorf("unexpected certificate series %v", labels)
			continue
		}
		seen++
		if got := metric.GetGauge().GetValue(); got != want {
			t.Errorf("%s not_after = %v, want %v", key, got, want)
		}
		if key == "tls/leaf" && labels["spiffe_id"] != "spiffe://example.org/billing" {
			t.Errorf("leaf spiffe_id label %q", labels["spiffe_id"])
		}
	}
	if seen != len(wantNotAfter) {
		t.Errorf("saw %d certificate series, want %d", seen, len(wantNotAfter))
	}

	// A refused bundle reload is counted as a failure.
	write(t, fx.path, []byte(`{"schema":"crank.cap.signed-bundle/v1"}`))
	if _, err := fx.file.Reload(); err == nil {
		t.Fatal("broken bundle must be refused")
	}
	expected := `
# HELP crank_cap_reload_failures_total Changed files refused on reload (the last good version stays in force), by kind and name.
# TYPE crank_cap_reload_failures_total counter
crank_cap_reload_failures_total{kind="bundle",name="billing"} 1
crank_cap_reload_failures_total{kind="tls",name="server"} 0
crank_cap_reload_failures_total{kind="trust",name="clients"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(expected), "crank_cap_reload_failures_total"); err != nil {
		t.Error(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	problems, err := promlint.NewWithMetricFamilies(families).Lint()
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Errorf("promlint: %v", problems)
	}
}

func TestNewMetricsRefusesDoubleRegistration(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := NewMetrics(reg); err != nil {
		t.Fatal(err)
	}
	if _, err := NewMetrics(reg); err == nil || !strings.Contains(err.Error(), "register cap metrics") {
		t.Fatalf("second registration: %v", err)
	}
}

func TestMetricsFromInterceptors(t *testing.T) {
	ca := newIssuer(t)
	gw, _, _ := ca.leaf(t, id("/api-gateway"), time.Now().Add(time.Hour))
	e := mustCompile(t, billingPolicy(Rule{ID: "void", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.void"}}))
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx := peer.NewContext(context.Background(), &peer.Peer{AuthInfo: credentials.TLSInfo{State: *verifiedState(gw)}})
	unary := UnaryServerInterceptor(e, nil, WithMetrics(m))
	ok := func(context.Context, any) (any, error) { return nil, nil }
	_, _ = unary(ctx, nil, &grpc.UnaryServerInfo{FullMethod: "/billing.v1.Invoices/Void"}, ok)
	_, _ = unary(ctx, nil, &grpc.UnaryServerInfo{FullMethod: "/billing.v1.Invoices/Other"}, ok)
	if got := testutil.ToFloat64(m.decisions.WithLabelValues(ViaGRPC, "billing", "invoice.void", "allow", "matched_allow")); got != 1 {
		t.Errorf("allowed gRPC decisions = %v", got)
	}
	if got := testutil.ToFloat64(m.decisions.WithLabelValues(ViaGRPC, "billing", "", "deny", "unknown_capability")); got != 1 {
		t.Errorf("unmapped gRPC decisions = %v", got)
	}
}
