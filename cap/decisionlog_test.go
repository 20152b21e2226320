package cap

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

func slogJSON(w io.Writer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }

func TestDecisionLogSamplesPerReasonAndSummarises(t *testing.T) {
	var logs bytes.Buffer
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	l := NewDecisionLog(slogJSON(&logs), WithDecisionLogRate(2, 3), WithDecisionLogClock(clock.Now))
	e := mustCompile(t, billingPolicy(Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}}))
	for range 100 {
		l.Record(context.Background(), e.Decide(id("/stranger"), "invoice.read"))
	}
	l.Record(context.Background(), e.Decide(id("/api-gateway"), "invoice.read"))
	if n := strings.Count(logs.String(), `"msg":"cap decision"`); n != 4 {
		t.Fatalf("burst 3 for default plus 1 allow: logged %d lines", n)
	}
	clock.Advance(time.Second) // two more lines for "default"
	l.Record(context.Background(), e.Decide(id("/stranger"), "invoice.read"))
	if !strings.Contains(logs.String(), `"msg":"similar cap decisions suppressed","reason":"default","suppressed":97`) {
		t.Fatalf("no summary of the 97 suppressed lines:\n%s", logs.String())
	}
	for range 5 {
		l.Record(context.Background(), e.Decide(id("/stranger"), "invoice.read"))
	}
	l.Flush(context.Background())
	if !strings.Contains(logs.String(), `"reason":"default","suppressed":4`) {
		t.Fatalf("Flush did not summarise the rest:\n%s", logs.String())
	}
	c := l.Counts()
	if c.Denied != 106 || c.Allowed != 1 || c.ByReason[ReasonDefault] != 106 || c.LogSuppressed != 101 {
		t.Fatalf("counters must count every decision: %+v", c)
	}
}

// floodBound is the most a flood can log with the clock frozen: burst
// lines per reason plus one summary each, at most maxLine bytes a line.
func floodBound(reasons, burst, maxLine int) int { return reasons * (burst + 1) * maxLine }

func TestDecisionLogStaysBoundedUnderFlood(t *testing.T) {
	const (
		requests = 4000
		burst    = 20
		maxLine  = 1024
	)
	logs := &syncBuffer{}
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	var clockMu sync.Mutex
	now := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return clock.Now() }
	decisions := NewDecisionLog(slogJSON(logs), WithDecisionLogRate(DefaultDecisionLogRate, burst), WithDecisionLogClock(now))
	e := mustCompile(t, billingPolicy(
		Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}, RateLimit: &RateLimit{RPS: 0.001, Burst: 1}},
		Rule{ID: "jobs", Action: ActionAllow, Callers: []Caller{{Service: "jobs"}}, Capabilities: []string{"invoice.read"}},
	), WithClock(now))
	s := startTestServer(t, HTTPMiddleware(e, decisions)(okHandler()), ServerLimits{})
	// Four callers, four reasons: 429 (rate_limited), default deny,
	// unknown_capability, matched_allow; all over HTTP/2.
	kinds := []struct{ caller, method, path string }{
		{"/api-gateway", "GET", "/v1/invoices/1"},
		{"/stranger", "GET", "/v1/invoices/1"},
		{"/jobs", "DELETE", "/v1/invoices/1"},
		{"/jobs", "GET", "/v1/invoices/1"},
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(kinds))
	for _, k := range kinds {
		client := s.httpClient(t, id(k.caller))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range requests / len(kinds) {
				req, _ := http.NewRequest(k.method, "https://"+s.addr+k.path, nil)
				resp, err := client.Do(req)
				if err != nil {
					errs <- err
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.ProtoMajor != 2 {
					errs <- fmt.Errorf("request went over %s", resp.Proto)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	decisions.Flush(context.Background())
	c := decisions.Counts()
	if c.Allowed+c.Denied != requests || c.ByReason[ReasonRateLimited] != requests/4-1 || c.ByReason[ReasonDefault] != requests/4 ||
		c.ByReason[ReasonUnknownCapability] != requests/4 || c.ByReason[ReasonMatchedAllow] != requests/4+1 {
		t.Fatalf("counters must equal the requests: %+v", c)
	}
	bound := floodBound(4, burst, maxLine)
	size := decisionLogBytes(logs.String())
	t.Logf("%d requests logged %d bytes of decisions and summaries (bound %d), %d suppressed", requests, size, bound, c.LogSuppressed)
	if size > bound {
		t.Fatalf("decision log wrote %d bytes for %d requests, bound %d", size, requests, bound)
	}
	if !strings.Contains(logs.String(), `"msg":"similar cap decisions suppressed","reason":"rate_limited"`) {
		t.Fatal("no summary for the suppressed 429s")
	}
}

// TestDecisionLogBoundedUnderRapidReset opens streams and resets them at
// once, the HTTP/2 rapid-reset pattern, on one connection.
func TestDecisionLogBoundedUnderRapidReset(t *testing.T) {
	const streams, burst, maxLine = 3000, 20, 1024
	logs := &syncBuffer{}
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	decisions := NewDecisionLog(slogJSON(logs), WithDecisionLogRate(DefaultDecisionLogRate, burst), WithDecisionLogClock(clock.Now))
	e := mustCompile(t, billingPolicy())
	s := startTestServer(t, HTTPMiddleware(e, decisions)(okHandler()), ServerLimits{})
	h := dialRawH2(t, s, id("/resetter"))
	for i := range streams {
		streamID := uint32(2*i + 1)
		err := h.write(func(fr *http2.Framer) error {
			if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: streamID, BlockFragment: requestBlock(s.addr, "/v1/invoices/1", 0), EndHeaders: true, EndStream: true}); err != nil {
				return err
			}
			return fr.WriteRSTStream(streamID, http2.ErrCodeCancel)
		})
		if err != nil {
			break // the server may end the connection; what it logged is the point
		}
	}
	// A final, normal request on a new connection proves the server is
	// still serving and marks the end of the flood in the counters.
	resp, err := s.httpClient(t, id("/probe")).Get("https://" + s.addr + "/v1/invoices/1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	waitFor(t, "the probe to be counted", func() bool { return decisions.Counts().ByReason[ReasonDefault] >= 1 })
	decisions.Flush(context.Background())
	c := decisions.Counts()
	size, bound := decisionLogBytes(logs.String()), floodBound(1, burst, maxLine)
	t.Logf("%d rapid-reset streams: %d decided, %d bytes logged (bound %d)", streams, c.Denied, size, bound)
	if size > bound {
		t.Fatalf("rapid reset logged %d bytes, bound %d", size, bound)
	}
	if c.Denied > streams+1 || c.Denied < 1 {
		t.Fatalf("denied %d for %d streams and a probe", c.Denied, streams)
	}
}

// decisionLogBytes counts the bytes of decision and summary lines only
// (the server's own connection logs are not the decision log).
func decisionLogBytes(logs string) int {
	n := 0
	for _, line := range strings.SplitAfter(logs, "\n") {
		if strings.Contains(line, `"msg":"cap decision"`) || strings.Contains(line, `"msg":"similar cap decisions suppressed"`) {
			n += len(line)
		}
	}
	return n
}
