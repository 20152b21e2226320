package cap

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// rawH2 is a hand-driven HTTP/2 client connection, to misbehave in ways a
// real client library never would.
type rawH2 struct {
	conn   *tls.Conn
	framer *http2.Framer
	// closed is closed when the server ends the connection; reset gets
	// the IDs of streams the server reset.
	closed chan struct{}
	reset  chan uint32
	goAway atomic.Bool
	// writeMu serialises frame writes: the reader answers SETTINGS.
	writeMu sync.Mutex
}

func (h *rawH2) write(frame func(*http2.Framer) error) error {
	h.writeMu.Lock()
	defer h.writeMu.Unlock()
	return frame(h.framer)
}

// dialRawH2 connects, sends the preface and settings with a zero initial
// stream window (the server may not send a single response body byte),
// and reads frames until the server closes.
func dialRawH2(t *testing.T, s *testServer, spiffeID string) *rawH2 {
	t.Helper()
	conn, err := tls.Dial("tcp", s.addr, s.clientConfig(t, spiffeID, "h2"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	if p := conn.ConnectionState().NegotiatedProtocol; p != "h2" {
		t.Fatalf("negotiated %q, want h2", p)
	}
	if _, err := io.WriteString(conn, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	h := &rawH2{conn: conn, framer: http2.NewFramer(conn, conn), closed: make(chan struct{}), reset: make(chan uint32, 64)}
	if err := h.write(func(fr *http2.Framer) error {
		return fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0})
	}); err != nil {
		t.Fatal(err)
	}
	// Nothing is sent until the server's SETTINGS are acknowledged, so the
	// ACK can never land inside a header block the test leaves open.
	settled := make(chan struct{})
	go func() {
		defer close(h.closed)
		for {
			frame, err := h.framer.ReadFrame()
			if err != nil {
				return
			}
			switch f := frame.(type) {
			case *http2.SettingsFrame:
				if !f.IsAck() {
					_ = h.write(func(fr *http2.Framer) error { return fr.WriteSettingsAck() })
					close(settled)
				}
			case *http2.RSTStreamFrame:
				select {
				case h.reset <- f.StreamID:
				default:
				}
			case *http2.GoAwayFrame:
				h.goAway.Store(true)
			}
		}
	}()
	select {
	case <-settled:
	case <-time.After(30 * time.Second):
		t.Fatal("the server sent no SETTINGS")
	}
	return h
}

func requestBlock(authority, path string, padHeaders int) []byte {
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	for _, f := range [][2]string{{":method", "GET"}, {":scheme", "https"}, {":authority", authority}, {":path", path}} {
		_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	for i := range padHeaders {
		_ = enc.WriteField(hpack.HeaderField{Name: fmt.Sprintf("x-pad-%03d", i), Value: "v"})
	}
	return block.Bytes()
}

func (h *rawH2) openStream(t *testing.T, id uint32, authority, path string) {
	t.Helper()
	if err := h.write(func(fr *http2.Framer) error {
		return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: requestBlock(authority, path, 0), EndHeaders: true, EndStream: true})
	}); err != nil {
		t.Fatal(err)
	}
}

var megabyte = make([]byte, 1<<20)

// blockedWriter answers with a large body; against a zero window each
// handler blocks until the write timeout resets its stream.
func blockedWriter(started *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		started.Add(1)
		_, _ = w.Write(megabyte)
	})
}

func TestSlowHTTP2ContinuationIsClosed(t *testing.T) {
	s := startTestServer(t, okHandler(), ServerLimits{IdleTimeout: time.Second, ReadTimeout: 2 * time.Second})
	h := dialRawH2(t, s, "spiffe://example.org/slowloris")
	block := requestBlock(s.addr, "/v1/invoices/1", 300)
	const chunk = 16
	if err := h.write(func(fr *http2.Framer) error {
		return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: block[:chunk], EndStream: true})
	}); err != nil {
		t.Fatal(err)
	}
	// One CONTINUATION fragment every 100 ms would take 30 s or more to
	// finish the header block; the server must not wait for it.
	sent := chunk
	for sent < len(block) {
		select {
		case <-h.closed:
			if sent >= len(block) {
				t.Fatal("the header block finished before the server closed the connection")
			}
			if !h.goAway.Load() {
				t.Log("connection closed without GOAWAY")
			}
			return
		case <-time.After(100 * time.Millisecond):
		}
		end := min(sent+chunk, len(block))
		if err := h.write(func(fr *http2.Framer) error { return fr.WriteContinuation(1, end == len(block), block[sent:end]) }); err != nil {
			<-h.closed
			return
		}
		sent = end
	}
	t.Fatal("the server accepted a header block trickled over many seconds")
}

func TestZeroWindowHTTP2StreamIsReset(t *testing.T) {
	var started atomic.Int64
	s := startTestServer(t, blockedWriter(&started), ServerLimits{IdleTimeout: time.Second, WriteTimeout: time.Second})
	h := dialRawH2(t, s, "spiffe://example.org/stalled")
	h.openStream(t, 1, s.addr, "/big")
	select {
	case id := <-h.reset:
		if id != 1 {
			t.Fatalf("reset stream %d, want 1", id)
		}
	case <-h.closed:
		t.Fatal("connection closed before the stalled stream was reset")
	case <-time.After(60 * time.Second):
		t.Fatal("a stream the peer never lets write was not reset")
	}
	select {
	case <-h.closed:
	case <-time.After(60 * time.Second):
		t.Fatal("the connection stayed open after its only stream was reset")
	}
	if started.Load() != 1 {
		t.Fatalf("handler ran %d times", started.Load())
	}
}

// TestStalledHTTP2ConnectionsStayCheap holds 20 connections, each with
// every stream it may open stalled on a zero window (handlers blocked
// writing) and one header block never finished, and measures what the
// process holds for them. The bound is generous: the failure it guards
// against was 74 MB for 20 such connections.
func TestStalledHTTP2ConnectionsStayCheap(t *testing.T) {
	const conns, boundMB = 20, 24
	limits := ServerLimits{MaxConnsPerIdentity: conns, WriteTimeout: time.Minute, ReadTimeout: time.Minute, IdleTimeout: time.Minute}
	var started atomic.Int64
	s := startTestServer(t, blockedWriter(&started), limits)
	streams := DefaultServerLimits().MaxConcurrentStreams
	before := heapInUse()
	var raw []*rawH2
	for range conns {
		h := dialRawH2(t, s, "spiffe://example.org/stalled")
		raw = append(raw, h)
		// One stream more than allowed: the server must refuse it.
		for i := range streams + 1 {
			h.openStream(t, uint32(2*i+1), s.addr, "/big")
		}
		block := requestBlock(s.addr, "/big", 2000)
		if err := h.write(func(fr *http2.Framer) error {
			return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: uint32(2*streams + 3), BlockFragment: block[:len(block)/2]})
		}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "every allowed stream to reach its handler", func() bool { return started.Load() == int64(conns*streams) })
	for _, h := range raw {
		select {
		case <-h.reset:
		case <-time.After(30 * time.Second):
			t.Fatal("the stream over MaxConcurrentStreams was not refused")
		}
	}
	delta := float64(heapInUse()-before) / (1 << 20)
	t.Logf("%d stalled connections x %d streams: %.1f MB heap+stacks", conns, streams, delta)
	if delta > boundMB {
		t.Fatalf("%d stalled HTTP/2 connections hold %.1f MB, bound %d MB", conns, delta, boundMB)
	}
	if started.Load() != int64(conns*streams) {
		t.Fatalf("%d handlers started, want %d: a stream over the limit ran", started.Load(), conns*streams)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}
