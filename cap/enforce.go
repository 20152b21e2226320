package cap

import (
	"context"
	"log/slog"
	"time"
)

// Where a decision was made, the "via" label of the decision metrics.
const (
	ViaHTTP        = "http"
	ViaGRPC        = "grpc"
	ViaExtAuthz    = "ext_authz"
	ViaAuthRequest = "auth_request"
)

// RuntimeOption adds optional enforcement pieces to HTTPMiddleware, the
// gRPC interceptors and the decision server.
type RuntimeOption func(*Enforcer)

// WithInFlightLimit refuses an allowed request whose caller already has
// the limiter's bound of requests in progress on the capability.
func WithInFlightLimit(limiter *InFlightLimiter) RuntimeOption {
	return func(e *Enforcer) { e.inFlight = limiter }
}

// WithMetrics counts and times every decision in m (see NewMetrics).
func WithMetrics(m *Metrics) RuntimeOption {
	return func(e *Enforcer) { e.metrics = m }
}

// Enforcer is the step every enforcement point shares after the evaluator
// answered: the in-flight limit, the decision metrics and the decision
// log. The middleware, the interceptors and the decision server all go
// through it, so a decision is counted and shed the same way wherever it
// is made.
type Enforcer struct {
	via      string
	log      *DecisionLog
	inFlight *InFlightLimiter
	metrics  *Metrics
}

// NewEnforcer is the shared step for decisions made via (ViaHTTP, ...);
// log may be nil.
func NewEnforcer(via string, log *DecisionLog, options ...RuntimeOption) *Enforcer {
	e := &Enforcer{via: via, log: log}
	for _, option := range options {
		option(e)
	}
	return e
}

func noRelease() {}

// Admit finishes decision d, which the evaluator made starting at
// started: an allowed decision takes an in-flight slot or becomes
// in_flight_limited, and the result is counted, timed and logged (with
// extra attributes). release must be called when the request ends; it is
// a no-op for a denial. Admit never blocks.
func (e *Enforcer) Admit(ctx context.Context, d Decision, started time.Time, extra ...slog.Attr) (Decision, func()) {
	release := noRelease
	if d.Allowed() && e.inFlight != nil {
		var ok bool
		if release, ok = e.inFlight.Acquire(d.Caller, d.Capability); !ok {
			release = noRelease
			d.Outcome = Outcome{Decision: ActionDeny, Reason: ReasonInFlightLimited, RuleIDs: noRuleIDs}
			// Load shedding is not policy: the shadow would say the
			// same, so a rollout's shadow_differs is not polluted.
			d.Shadow = d.Outcome
			d.RetryAfter = e.inFlight.RetryAfter()
		}
	}
	if e.metrics != nil {
		e.metrics.ObserveDecision(e.via, d, time.Since(started))
	}
	if e.log != nil {
		e.log.Record(ctx, d, extra...)
	}
	return d, release
}
