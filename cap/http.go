package cap

import (
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"net/http"
	"strconv"
)

type decisionContextKey struct{}

// DecisionFromContext returns the decision that let the request in, for
// handlers that want to log or branch on the caller.
func DecisionFromContext(ctx context.Context) (Decision, bool) {
	d, ok := ctx.Value(decisionContextKey{}).(Decision)
	return d, ok
}

// HTTPMiddleware authorizes every request before next sees it: it maps
// method and path to a capability with the bundle's templates, takes the
// caller from the verified client certificate, decides, and answers 403
// (429 with Retry-After when rate limited) with a JSON body naming the
// reason and rules. Requests matching no capability are denied as
// unknown_capability; mount health checks outside the middleware.
// log may be nil.
func HTTPMiddleware(source EvaluatorSource, log *DecisionLog) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			evaluator := source.Evaluator()
			capability, _ := evaluator.CapabilityForHTTP(r)
			var caller string
			if id, err := PeerSPIFFEID(r.TLS); err == nil {
				caller = id.String()
			}
			d := evaluator.Decide(caller, capability)
			if log != nil {
				// r.URL.Path only: query strings may carry tokens.
				log.Record(r.Context(), d, slog.String("method", r.Method), slog.String("path", r.URL.Path))
			}
			if d.Allowed() {
				next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), decisionContextKey{}, d)))
				return
			}
			WriteDenial(w, d)
		})
	}
}

// DenialBody is the JSON body of a 403 or 429 answer.
type DenialBody struct {
	Error string `json:"error"`
	Decision
}

// WriteDenial answers a denied decision: 429 with Retry-After for
// rate_limited, 403 for everything else.
func WriteDenial(w http.ResponseWriter, d Decision) {
	status := http.StatusForbidden
	message := "capability " + strconv.Quote(d.Capability) + " denied: " + string(d.Reason)
	if d.Reason == ReasonRateLimited {
		status = http.StatusTooManyRequests
		seconds := int64(math.Ceil(d.RetryAfter.Seconds()))
		w.Header().Set("Retry-After", strconv.FormatInt(max(seconds, 1), 10))
		message = "capability " + strconv.Quote(d.Capability) + " rate limited; retry later"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(DenialBody{Error: message, Decision: d})
}
