package cap

import (
	"math"
	"sync"
	"time"
)

// maxBucketsPerRule bounds memory when many distinct callers hit one
// limited rule; full buckets carry no state, so they are the ones dropped.
const maxBucketsPerRule = 65536

// limiter is one rule's token buckets, one per caller SPIFFE ID.
type limiter struct {
	ruleIDs       []string
	tokensPerNano float64
	burst         float64

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens    float64
	lastNanos int64
}

func newLimiter(ruleID string, limit RateLimit) *limiter {
	return &limiter{
		ruleIDs:       []string{ruleID},
		tokensPerNano: limit.RPS / float64(time.Second),
		burst:         float64(limit.Burst),
		buckets:       map[string]*bucket{},
	}
}

// take spends one token of caller's bucket at time now, or reports how long
// until one is available.
func (l *limiter) take(caller string, nowNanos int64) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[caller]
	if b == nil {
		if len(l.buckets) >= maxBucketsPerRule {
			l.dropFullBuckets(nowNanos)
		}
		b = &bucket{tokens: l.burst, lastNanos: nowNanos}
		l.buckets[caller] = b
	}
	// A clock stepping backwards must not mint tokens or go negative.
	if elapsed := nowNanos - b.lastNanos; elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+float64(elapsed)*l.tokensPerNano)
		b.lastNanos = nowNanos
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration(math.Ceil((1 - b.tokens) / l.tokensPerNano))
	return false, wait
}

func (l *limiter) dropFullBuckets(nowNanos int64) {
	for caller, b := range l.buckets {
		if b.tokens+float64(nowNanos-b.lastNanos)*l.tokensPerNano >= l.burst {
			delete(l.buckets, caller)
		}
	}
}
