package cap

import (
	"bytes"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

func TestServerErrorLogIsBounded(t *testing.T) {
	var logs bytes.Buffer
	var suppressed atomic.Uint64
	errorLog := newServerErrorLog(slogJSON(&logs), &suppressed)
	for i := range 1000 {
		errorLog.Printf("http: TLS handshake error from 127.0.0.1:%d: EOF", 40000+i)
		errorLog.Printf("http: TLS handshake error from 127.0.0.1:%d: spiffe://example.org/x already has 16 open connections, the per-identity %s", 40000+i, connCapMarker)
	}
	lines := strings.Count(logs.String(), "\n")
	if lines > serverErrorLogBurst+2 || suppressed.Load() < uint64(1000-lines) {
		t.Fatalf("%d lines logged, %d suppressed:\n%s", lines, suppressed.Load(), logs.String())
	}
	if strings.Contains(logs.String(), connCapMarker) {
		t.Fatal("refusals the limiter logged are repeated by the server log")
	}
	if !strings.Contains(logs.String(), fmt.Sprintf("from 127.0.0.1:%d", 40000)) {
		t.Fatal("the first handshake errors must be logged")
	}
}
