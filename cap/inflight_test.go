package cap

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

func TestInFlightLimiterRefusesWithoutBlocking(t *testing.T) {
	l, err := NewInFlightLimiter(InFlightLimits{PerCallerCapability: 2, PerCapability: map[string]int{"export": 1, "free": 0}})
	if err != nil {
		t.Fatal(err)
	}
	r1, ok1 := l.Acquire("a", "read")
	r2, ok2 := l.Acquire("a", "read")
	if !ok1 || !ok2 {
		t.Fatal("two slots under a limit of 2 must be granted")
	}
	if _, ok := l.Acquire("a", "read"); ok {
		t.Fatal("third concurrent request of one caller must be refused")
	}
	if _, ok := l.Acquire("b", "read"); !ok {
		t.Fatal("another caller must not be shed for a's load")
	}
	if _, ok := l.Acquire("a", "export"); !ok {
		t.Fatal("first export slot")
	}
	if _, ok := l.Acquire("a", "export"); ok {
		t.Fatal("per-capability override of 1 must refuse the second")
	}
	for range 100 {
		if _, ok := l.Acquire("a", "free"); !ok {
			t.Fatal("a capability with limit 0 is unlimited")
		}
	}
	r1()
	r1() // a second release must not free another slot
	if got := l.InFlight("a", "read"); got != 1 {
		t.Fatalf("in flight after one release (called twice) = %d, want 1", got)
	}
	r2()
	if got := l.InFlight("a", "read"); got != 0 || len(l.active) != 2 { // b/read and a/export remain
		t.Fatalf("released pairs must be forgotten: in flight %d, tracked %d", got, len(l.active))
	}
	if l.RetryAfter() != DefaultInFlightRetryAfter {
		t.Fatalf("default Retry-After %s", l.RetryAfter())
	}
	if _, err := NewInFlightLimiter(InFlightLimits{PerCallerCapability: -1, PerCapability: map[string]int{"x": -2}}); err == nil {
		t.Fatal("negative limits must be refused")
	}
}

// holdingHandler blocks every request until release is closed, so a test
// can have real requests in flight.
func holdingHandler(entered chan<- struct{}, release <-chan struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		entered <- struct{}{}
		<-release
		w.WriteHeader(http.StatusNoContent)
	})
}

func TestHTTPMiddlewareInFlightLimit(t *testing.T) {
	ca := newIssuer(t)
	gw, _, _ := ca.leaf(t, id("/api-gateway"), time.Now().Add(time.Hour))
	other, _, _ := ca.leaf(t, id("/jobs"), time.Now().Add(time.Hour))
	e := mustCompile(t, billingPolicy(Rule{ID: "read", Action: ActionAllow,
		Callers: []Caller{{Service: "api-gateway"}, {Service: "jobs"}}, Capabilities: []string{"invoice.read"}}))
	limiter, err := NewInFlightLimiter(InFlightLimits{PerCallerCapability: 2, RetryAfter: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}, 4), make(chan struct{})
	handler := HTTPMiddleware(e, nil, WithInFlightLimit(limiter))(holdingHandler(entered, release))
	call := func(cert *tlsCert) *httptest.ResponseRecorder {
		r, w := newRequest("GET", "/v1/invoices/7")
		r.TLS = verifiedState(cert)
		handler.ServeHTTP(w, r)
		return w
	}
	var wg sync.WaitGroup
	results := make([]*httptest.ResponseRecorder, 2)
	for i := range results {
		wg.Go(func() { results[i] = call(gw) })
		<-entered
	}
	shed := call(gw)
	if shed.Code != http.StatusTooManyRequests || shed.Header().Get("Retry-After") != "3" || shed.Header().Get(HeaderReason) != string(ReasonInFlightLimited) {
		t.Fatalf("third concurrent request: %d %v %s", shed.Code, shed.Header(), shed.Body)
	}
	// Another caller has its own slots: its request is let in while
	// api-gateway is at its bound.
	wg.Go(func() {
		if w := call(other); w.Code != http.StatusNoContent {
			t.Errorf("other caller: %d %s", w.Code, w.Body)
		}
	})
	<-entered
	close(release)
	wg.Wait()
	for _, w := range results {
		if w.Code != http.StatusNoContent {
			t.Fatalf("held request: %d", w.Code)
		}
	}
	if limiter.InFlight(id("/api-gateway"), "invoice.read") != 0 {
		t.Fatal("slots must be released when requests end")
	}
	if w := call(gw); w.Code != http.StatusNoContent {
		t.Fatalf("after release: %d", w.Code)
	}
}

type tlsCert = x509.Certificate

func TestGRPCInterceptorInFlightLimit(t *testing.T) {
	ca := newIssuer(t)
	gw, _, _ := ca.leaf(t, id("/api-gateway"), time.Now().Add(time.Hour))
	e := mustCompile(t, billingPolicy(Rule{ID: "void", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.void"}}))
	limiter, _ := NewInFlightLimiter(InFlightLimits{PerCallerCapability: 1})
	interceptor := UnaryServerInterceptor(e, nil, WithInFlightLimit(limiter))
	ctx := peer.NewContext(context.Background(), &peer.Peer{AuthInfo: credentials.TLSInfo{State: *verifiedState(gw)}})
	info := &grpc.UnaryServerInfo{FullMethod: "/billing.v1.Invoices/Void"}
	entered, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		_, err := interceptor(ctx, nil, info, func(context.Context, any) (any, error) {
			close(entered)
			<-release
			return "ok", nil
		})
		done <- err
	}()
	<-entered
	_, err := interceptor(ctx, nil, info, func(context.Context, any) (any, error) { return "ok", nil })
	st := status.Convert(err)
	if st.Code() != codes.ResourceExhausted {
		t.Fatalf("second concurrent call: %v", err)
	}
	var retry *errdetails.RetryInfo
	var reason string
	for _, detail := range st.Details() {
		switch v := detail.(type) {
		case *errdetails.RetryInfo:
			retry = v
		case *errdetails.ErrorInfo:
			reason = v.Reason
		}
	}
	if retry == nil || retry.RetryDelay.AsDuration() != DefaultInFlightRetryAfter || reason != string(ReasonInFlightLimited) {
		t.Fatalf("details: retry %v reason %q", retry, reason)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := interceptor(ctx, nil, info, func(context.Context, any) (any, error) { return "ok", nil }); err != nil {
		t.Fatalf("after the first call ended: %v", err)
	}
}
