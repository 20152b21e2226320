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
			d := evaluator.DecidePeer(r.TLS, capability)
			if log != nil {
				// r.URL.Path only: query strings may carry tokens.
				extra := []slog.Attr{slog.String("method", r.Method), slog.String("path", r.URL.Path)}
				if d.Detail != "" {
					extra = append(extra, peerAttrs(r.RemoteAddr, r.TLS)...)
				}
				log.Record(r.Context(), d, extra...)
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
// rate_limited, 403 for everything else. The X-Cap-Reason header (and
// X-Cap-Detail for identity problems) name the cause for clients that do
// not read the body.
func WriteDenial(w http.ResponseWriter, d Decision) {
	status := http.StatusForbidden
	message := "capability " + strconv.Quote(d.Capability) + " denied: " + string(d.Reason)
	w.Header().Set("X-Cap-Reason", string(d.Reason))
	if d.Detail != "" {
		message += " (" + d.Detail + ")"
		w.Header().Set("X-Cap-Detail", headerSafe(d.Detail))
	}
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

// headerSafe keeps a detail to printable ASCII, so no certificate content
// can split or forge a header line.
func headerSafe(s string) string {
	out := []byte(truncateForMessage(s))
	for i, c := range out {
		if c < 0x20 || c > 0x7e {
			out[i] = '?'
		}
	}
	return string(out)
}
