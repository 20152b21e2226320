package cap

import (
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Decision log sampling defaults: per reason, 20 lines at once, then 10 a
// second. One decision line is about 500 bytes, so a flood of any one kind
// (rapid-reset streams, a caller hammering a 429) writes at most about
// 5 KB/s per reason instead of megabytes.
const (
	DefaultDecisionLogRate  = 10.0
	DefaultDecisionLogBurst = 20
)

// DecisionLog writes structured log lines for decisions and keeps
// counters. Counters count every decision; log lines are rate-limited per
// reason by a token bucket, and when lines were dropped the next line of
// that reason is preceded by a "similar cap decisions suppressed" summary
// saying how many. It logs identities, capability names, rule IDs and the
// peer certificate's serial and subject only: never headers, query
// strings, bodies or key material.
type DecisionLog struct {
	logger *slog.Logger
	now    func() time.Time
	rate   float64
	burst  float64

	allowed       atomic.Uint64
	denied        atomic.Uint64
	shadowDiffers atomic.Uint64
	suppressed    atomic.Uint64
	byReason      [len(reasonOrder)]atomic.Uint64
	sampling      [len(reasonOrder)]logBucket
}

type logBucket struct {
	mu         sync.Mutex
	started    bool
	tokens     float64
	last       time.Time
	suppressed uint64
}

var reasonOrder = [...]Reason{
	ReasonMatchedDeny, ReasonMatchedAllow, ReasonDefault,
	ReasonRateLimited, ReasonUnknownCapability, ReasonNoIdentity,
	ReasonIdentityInvalid, ReasonInFlightLimited, ReasonUnknownService,
}

// DecisionLogOption configures NewDecisionLog.
type DecisionLogOption func(*DecisionLog)

// WithDecisionLogRate sets the per-reason log budget: burst lines at once,
// then perSecond lines a second.
func WithDecisionLogRate(perSecond float64, burst int) DecisionLogOption {
	return func(l *DecisionLog) { l.rate, l.burst = perSecond, float64(burst) }
}

// WithDecisionLogClock replaces time.Now for the log budget, for tests.
func WithDecisionLogClock(now func() time.Time) DecisionLogOption {
	return func(l *DecisionLog) { l.now = now }
}

// NewDecisionLog logs to logger, or to slog.Default() when logger is nil.
func NewDecisionLog(logger *slog.Logger, options ...DecisionLogOption) *DecisionLog {
	if logger == nil {
		logger = slog.Default()
	}
	l := &DecisionLog{logger: logger, now: time.Now, rate: DefaultDecisionLogRate, burst: DefaultDecisionLogBurst}
	for _, o := range options {
		o(l)
	}
	return l
}

func reasonIndex(r Reason) int {
	for i, known := range reasonOrder {
		if known == r {
			return i
		}
	}
	return -1
}

// take spends one line of the bucket; it returns whether to log and how
// many lines were suppressed since the last one logged.
func (b *logBucket) take(now time.Time, rate, burst float64) (ok bool, suppressedBefore uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.started {
		b.started, b.tokens, b.last = true, burst, now
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = math.Min(burst, b.tokens+elapsed.Seconds()*rate)
		b.last = now
	}
	if b.tokens < 1 {
		b.suppressed++
		return false, 0
	}
	b.tokens--
	suppressedBefore, b.suppressed = b.suppressed, 0
	return true, suppressedBefore
}

// Record counts d and logs it, within the per-reason budget, with any extra
// attributes (e.g. the HTTP method and path). Denials log at Warn so they
// stand out.
func (l *DecisionLog) Record(ctx context.Context, d Decision, extra ...slog.Attr) {
	if d.Allowed() {
		l.allowed.Add(1)
	} else {
		l.denied.Add(1)
	}
	index := reasonIndex(d.Reason)
	if index >= 0 {
		l.byReason[index].Add(1)
	}
	if d.ShadowDiffers() {
		l.shadowDiffers.Add(1)
	}
	level := slog.LevelInfo
	if !d.Allowed() {
		level = slog.LevelWarn
	}
	if !l.logger.Enabled(ctx, level) {
		return
	}
	if index >= 0 {
		ok, suppressedBefore := l.sampling[index].take(l.now(), l.rate, l.burst)
		if !ok {
			l.suppressed.Add(1)
			return
		}
		if suppressedBefore > 0 {
			l.logSuppressed(ctx, d.Reason, suppressedBefore)
		}
	}
	attrs := append([]slog.Attr{
		slog.String("decision", string(d.Decision)),
		slog.String("reason", string(d.Reason)),
		slog.Any("rule_ids", d.RuleIDs),
		slog.String("caller", d.Caller),
		slog.String("capability", d.Capability),
		slog.String("service", d.Service),
		slog.String("enforcement", string(d.Enforcement)),
		slog.String("shadow_decision", string(d.Shadow.Decision)),
		slog.String("shadow_reason", string(d.Shadow.Reason)),
		slog.Any("shadow_rule_ids", d.Shadow.RuleIDs),
		slog.String("bundle_digest", d.BundleDigest),
	}, extra...)
	if d.Detail != "" {
		attrs = append(attrs, slog.String("detail", d.Detail))
	}
	l.logger.LogAttrs(ctx, level, "cap decision", attrs...)
}

func (l *DecisionLog) logSuppressed(ctx context.Context, reason Reason, n uint64) {
	l.logger.LogAttrs(ctx, slog.LevelWarn, "similar cap decisions suppressed",
		slog.String("reason", string(reason)), slog.Uint64("suppressed", n),
		slog.String("note", "the log is rate-limited per reason; counters (GET /debug/cap) count every decision"))
}

// Flush logs the summary of every reason with suppressed lines not yet
// reported, so a flood that stopped is still accounted for in the log.
// Call it periodically and at shutdown.
func (l *DecisionLog) Flush(ctx context.Context) {
	for i := range l.sampling {
		b := &l.sampling[i]
		b.mu.Lock()
		n := b.suppressed
		b.suppressed = 0
		b.mu.Unlock()
		if n > 0 {
			l.logSuppressed(ctx, reasonOrder[i], n)
		}
	}
}

// FlushEvery calls Flush every interval until ctx ends.
func (l *DecisionLog) FlushEvery(ctx context.Context, interval time.Duration) {
	pollEvery(ctx, interval, func() { l.Flush(ctx) })
}

// DecisionCounts is a snapshot of a DecisionLog's counters since start.
// Every field is a monotonic counter, ready to export as a metric.
type DecisionCounts struct {
	Allowed       uint64            `json:"allowed"`
	Denied        uint64            `json:"denied"`
	ShadowDiffers uint64            `json:"shadow_differs"`
	ByReason      map[Reason]uint64 `json:"by_reason"`
	// LogSuppressed counts decisions counted but not logged.
	LogSuppressed uint64 `json:"log_suppressed"`
}

// Counts returns the counters; every reason code is present, zero or not.
func (l *DecisionLog) Counts() DecisionCounts {
	c := DecisionCounts{
		Allowed:       l.allowed.Load(),
		Denied:        l.denied.Load(),
		ShadowDiffers: l.shadowDiffers.Load(),
		LogSuppressed: l.suppressed.Load(),
		ByReason:      make(map[Reason]uint64, len(reasonOrder)),
	}
	for i, r := range reasonOrder {
		c.ByReason[r] = l.byReason[i].Load()
	}
	return c
}

// ServeHTTP serves the counters as JSON, in the spirit of expvar.
func (l *DecisionLog) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(l.Counts())
}
