package cap

import (
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
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
// (429 with Retry-After when rate limited or over its in-flight limit)
// with a JSON body naming the reason and rules. Requests matching no
// capability are denied as unknown_capability; mount health checks
// outside the middleware. log may be nil; options add an in-flight limit
// (WithInFlightLimit) and metrics (WithMetrics).
func HTTPMiddleware(source EvaluatorSource, log *DecisionLog, options ...RuntimeOption) func(http.Handler) http.Handler {
	enforcer := NewEnforcer(ViaHTTP, log, options...)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			started := time.Now()
			evaluator := source.Evaluator()
			capability, _ := evaluator.CapabilityForHTTP(r)
			d := evaluator.DecidePeer(r.TLS, capability)
			var extra []slog.Attr
			if log != nil {
				// r.URL.Path only: query strings may carry tokens.
				extra = []slog.Attr{slog.String("method", r.Method), slog.String("path", r.URL.Path)}
				if d.Detail != "" {
					extra = append(extra, peerAttrs(r.RemoteAddr, r.TLS)...)
				}
			}
			d, release := enforcer.Admit(r.Context(), d, started, extra...)
			if d.Allowed() {
				defer release()
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

// Headers of every denial, wherever it is answered (HTTPMiddleware, the
// ext_authz and auth_request decision server), so a client or proxy reads
// the cause the same way.
const (
	HeaderReason       = "X-Cap-Reason"
	HeaderRuleIDs      = "X-Cap-Rule-Ids"
	HeaderBundleDigest = "X-Cap-Bundle-Digest"
	HeaderDetail       = "X-Cap-Detail"
)

// IsOverload reports whether a denial is back-pressure (rate_limited or
// in_flight_limited, answered 429 with Retry-After) rather than policy.
func IsOverload(r Reason) bool { return r == ReasonRateLimited || r == ReasonInFlightLimited }

// DenialStatus is the HTTP status of a denial: 429 for back-pressure, 403
// for everything else.
func DenialStatus(d Decision) int {
	if IsOverload(d.Reason) {
		return http.StatusTooManyRequests
	}
	return http.StatusForbidden
}

// DenialHeaders are the headers naming a denial's cause: X-Cap-Reason,
// X-Cap-Rule-Ids (when rules decided), X-Cap-Bundle-Digest, X-Cap-Detail
// (identity and mapping problems) and Retry-After for back-pressure.
func DenialHeaders(d Decision) http.Header {
	h := http.Header{}
	h.Set(HeaderReason, string(d.Reason))
	if len(d.RuleIDs) > 0 {
		h.Set(HeaderRuleIDs, headerSafe(strings.Join(d.RuleIDs, ",")))
	}
	if d.BundleDigest != "" {
		h.Set(HeaderBundleDigest, d.BundleDigest)
	}
	if d.Detail != "" {
		h.Set(HeaderDetail, headerSafe(d.Detail))
	}
	if IsOverload(d.Reason) {
		seconds := int64(math.Ceil(d.RetryAfter.Seconds()))
		h.Set("Retry-After", strconv.FormatInt(max(seconds, 1), 10))
	}
	return h
}

// DenialJSON is the JSON body of a denial (DenialBody).
func DenialJSON(d Decision) []byte {
	message := "capability " + strconv.Quote(d.Capability) + " denied: " + string(d.Reason)
	if d.Detail != "" {
		message += " (" + d.Detail + ")"
	}
	switch d.Reason {
	case ReasonRateLimited:
		message = "capability " + strconv.Quote(d.Capability) + " rate limited; retry later"
	case ReasonInFlightLimited:
		message = "capability " + strconv.Quote(d.Capability) + " has too many requests of this caller in progress; retry later"
	}
	body, _ := json.Marshal(DenialBody{Error: message, Decision: d})
	return append(body, '\n')
}

// WriteDenial answers a denied decision: 429 with Retry-After for
// rate_limited and in_flight_limited, 403 for everything else, with
// DenialHeaders for clients that do not read the JSON body.
func WriteDenial(w http.ResponseWriter, d Decision) {
	for name, values := range DenialHeaders(d) {
		w.Header()[name] = values
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(DenialStatus(d))
	_, _ = w.Write(DenialJSON(d))
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
