package cap

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// DefaultInFlightRetryAfter is the Retry-After of an in-flight refusal
// when InFlightLimits.RetryAfter is zero. A slot frees when one of the
// caller's own requests ends, which is usually well under a second, so the
// smallest value Retry-After can say is the honest one.
const DefaultInFlightRetryAfter = time.Second

// InFlightLimits bound how many requests one caller may have in progress
// on one capability at once. Zero means no limit.
type InFlightLimits struct {
	// PerCallerCapability applies to every (caller SPIFFE ID, capability)
	// pair without an entry in PerCapability.
	PerCallerCapability int
	// PerCapability overrides PerCallerCapability for the named
	// capabilities, e.g. a low bound for an expensive export.
	PerCapability map[string]int
	// RetryAfter is what a refused caller is told to wait.
	RetryAfter time.Duration
}

// InFlightLimiter counts requests in progress per (caller, capability) and
// refuses, never queues, one over its limit: the decision path must not
// block, so back-pressure is an immediate 429 / ResourceExhausted with
// Retry-After. Only allowed requests take a slot, so denied and
// rate-limited traffic can never use up another caller's concurrency.
type InFlightLimiter struct {
	limits InFlightLimits

	mu     sync.Mutex
	active map[inFlightKey]int
}

type inFlightKey struct{ caller, capability string }

// NewInFlightLimiter checks limits (no negative bound) and returns the limiter.
func NewInFlightLimiter(limits InFlightLimits) (*InFlightLimiter, error) {
	var problems []error
	if limits.PerCallerCapability < 0 {
		problems = append(problems, fmt.Errorf("in-flight limit per caller and capability is %d; use a positive bound, or 0 for none", limits.PerCallerCapability))
	}
	for name, limit := range limits.PerCapability {
		if limit < 0 {
			problems = append(problems, fmt.Errorf("in-flight limit of capability %q is %d; use a positive bound, or 0 for none", name, limit))
		}
	}
	if limits.RetryAfter < 0 {
		problems = append(problems, fmt.Errorf("in-flight Retry-After is %s; it must not be negative", limits.RetryAfter))
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	if limits.RetryAfter == 0 {
		limits.RetryAfter = DefaultInFlightRetryAfter
	}
	return &InFlightLimiter{limits: limits, active: map[inFlightKey]int{}}, nil
}

func (l *InFlightLimiter) limitFor(capability string) int {
	if limit, ok := l.limits.PerCapability[capability]; ok {
		return limit
	}
	return l.limits.PerCallerCapability
}

// Acquire takes a slot for caller on capability. When the pair is at its
// limit it returns ok false at once; otherwise release must be called
// exactly once when the request ends (calling it again does nothing).
func (l *InFlightLimiter) Acquire(caller, capability string) (release func(), ok bool) {
	limit := l.limitFor(capability)
	if limit == 0 {
		return func() {}, true
	}
	key := inFlightKey{caller, capability}
	l.mu.Lock()
	if l.active[key] >= limit {
		l.mu.Unlock()
		return nil, false
	}
	l.active[key]++
	l.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { l.release(key) }) }, true
}

func (l *InFlightLimiter) release(key inFlightKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// Pairs at zero are forgotten, so memory follows the requests in
	// progress, not every caller ever seen.
	if l.active[key] <= 1 {
		delete(l.active, key)
		return
	}
	l.active[key]--
}

// InFlight is how many requests caller has in progress on capability.
func (l *InFlightLimiter) InFlight(caller, capability string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.active[inFlightKey{caller, capability}]
}

// RetryAfter is the wait told to a refused caller.
func (l *InFlightLimiter) RetryAfter() time.Duration { return l.limits.RetryAfter }
