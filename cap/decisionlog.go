package cap

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync/atomic"
)

// DecisionLog writes one structured log line per decision and keeps
// counters. It logs identities, capability names and rule IDs only: never
// headers, query strings, bodies or key material.
type DecisionLog struct {
	logger        *slog.Logger
	allowed       atomic.Uint64
	denied        atomic.Uint64
	shadowDiffers atomic.Uint64
	byReason      [len(reasonOrder)]atomic.Uint64
}

var reasonOrder = [...]Reason{
	ReasonMatchedDeny, ReasonMatchedAllow, ReasonDefault,
	ReasonRateLimited, ReasonUnknownCapability, ReasonNoIdentity,
}

// NewDecisionLog logs to logger, or to slog.Default() when logger is nil.
func NewDecisionLog(logger *slog.Logger) *DecisionLog {
	if logger == nil {
		logger = slog.Default()
	}
	return &DecisionLog{logger: logger}
}

// Record counts d and logs it with any extra attributes (e.g. the HTTP
// method and path template). Denials log at Warn so they stand out.
func (l *DecisionLog) Record(ctx context.Context, d Decision, extra ...slog.Attr) {
	if d.Allowed() {
		l.allowed.Add(1)
	} else {
		l.denied.Add(1)
	}
	for i, r := range reasonOrder {
		if r == d.Reason {
			l.byReason[i].Add(1)
		}
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
	l.logger.LogAttrs(ctx, level, "cap decision", attrs...)
}

// DecisionCounts is a snapshot of a DecisionLog's counters since start.
type DecisionCounts struct {
	Allowed       uint64            `json:"allowed"`
	Denied        uint64            `json:"denied"`
	ShadowDiffers uint64            `json:"shadow_differs"`
	ByReason      map[Reason]uint64 `json:"by_reason"`
}

// Counts returns the counters; every reason code is present, zero or not.
func (l *DecisionLog) Counts() DecisionCounts {
	c := DecisionCounts{
		Allowed:       l.allowed.Load(),
		Denied:        l.denied.Load(),
		ShadowDiffers: l.shadowDiffers.Load(),
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
