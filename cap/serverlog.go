package cap

import (
	"log"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"
)

// Server error log budget: net/http logs a line for every failed TLS
// handshake, so a scan or a slowloris run would otherwise write one line
// per connection attempt.
const (
	serverErrorLogRate  = 1.0
	serverErrorLogBurst = 20
)

// serverErrorLog is the http.Server ErrorLog: refusals the ConnLimiter
// already logged are dropped, everything else is rate-limited with a
// count of what was left out.
type serverErrorLog struct {
	logger     *slog.Logger
	bucket     logBucket
	suppressed *atomic.Uint64
}

func newServerErrorLog(logger *slog.Logger, suppressed *atomic.Uint64) *log.Logger {
	return log.New(&serverErrorLog{logger: logger, suppressed: suppressed}, "", 0)
}

func (w *serverErrorLog) Write(p []byte) (int, error) {
	message := strings.TrimSpace(string(p))
	if strings.HasSuffix(message, connCapMarker) {
		return len(p), nil
	}
	ok, unlogged := w.bucket.take(time.Now(), serverErrorLogRate, serverErrorLogBurst)
	if !ok {
		w.suppressed.Add(1)
		return len(p), nil
	}
	if unlogged > 0 {
		w.logger.Warn("similar server errors suppressed", "suppressed", unlogged)
	}
	w.logger.Warn(message)
	return len(p), nil
}
