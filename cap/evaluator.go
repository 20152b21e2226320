package cap

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Reason says why a decision came out the way it did. A default deny is
// named ReasonDefault, never left blank.
type Reason string

const (
	ReasonMatchedDeny       Reason = "matched_deny"
	ReasonMatchedAllow      Reason = "matched_allow"
	ReasonDefault           Reason = "default"
	ReasonRateLimited       Reason = "rate_limited"
	ReasonUnknownCapability Reason = "unknown_capability"
	ReasonNoIdentity        Reason = "no_identity"
	// ReasonIdentityInvalid is a verified certificate whose URI SANs are
	// not one valid workload SPIFFE ID (two URIs, a non-SPIFFE URI, a bare
	// trust domain); Decision.Detail says which.
	ReasonIdentityInvalid Reason = "identity_invalid"
	// ReasonInFlightLimited is an allowed request refused because its
	// caller already has the configured number of requests in progress on
	// the capability (InFlightLimiter); it is never decided at plan time.
	ReasonInFlightLimited Reason = "in_flight_limited"
	// ReasonUnknownService is a decision server request naming no
	// protected service it holds a bundle for (selector header or SNI).
	ReasonUnknownService Reason = "unknown_service"
)

// Reasons lists every reason code, for validators and docs.
func Reasons() []string {
	return []string{
		string(ReasonMatchedDeny), string(ReasonMatchedAllow), string(ReasonDefault),
		string(ReasonRateLimited), string(ReasonUnknownCapability), string(ReasonNoIdentity),
		string(ReasonIdentityInvalid), string(ReasonInFlightLimited), string(ReasonUnknownService),
	}
}

// Outcome is one evaluation's answer. RuleIDs are the rules that produced
// it: every matching deny, every matching allow, or the rate-limiting rule;
// empty (never nil) for default, unknown_capability and no_identity.
type Outcome struct {
	Decision Action   `json:"decision"`
	Reason   Reason   `json:"reason"`
	RuleIDs  []string `json:"rule_ids"`
}

// Decision is the record of one decision. Shadow is what the answer would
// be with every dry_run rule enforced and audit turned into enforce; it
// equals the real outcome when the policy has neither.
type Decision struct {
	Outcome
	Shadow       Outcome     `json:"shadow"`
	Caller       string      `json:"caller"`
	Capability   string      `json:"capability"`
	Service      string      `json:"service"`
	Enforcement  Enforcement `json:"enforcement"`
	BundleDigest string      `json:"bundle_digest"`
	// Detail says what is wrong with the peer's identity, for no_identity
	// and identity_invalid from DecidePeer, e.g. "certificate has 2 URI
	// SANs; an X.509-SVID has exactly one".
	Detail string `json:"detail,omitempty"`
	// RetryAfter is when the caller's bucket has a token again, set only
	// for rate_limited.
	RetryAfter time.Duration `json:"-"`
}

// Allowed reports whether the real decision lets the request through.
func (d Decision) Allowed() bool { return d.Decision == ActionAllow }

// ShadowDiffers reports whether enforcing the dry-run rules (or leaving
// audit) would change the answer, which is what a rollout watches for.
func (d Decision) ShadowDiffers() bool {
	return d.Shadow.Decision != d.Decision || d.Shadow.Reason != d.Reason
}

// Evaluator decides requests against one compiled bundle. It is safe for
// concurrent use; rate-limit buckets live in it and start full when a
// bundle is compiled, except that BundleFile.Reload carries the buckets of
// unchanged rules over to the new evaluator.
type Evaluator struct {
	bundle       Bundle
	capabilities map[string]*capabilityIndex
	hasShadow    bool
	realDefault  Outcome
	shadowDflt   Outcome
	now          func() time.Time
	routes       *http.ServeMux
	routeNames   map[string]string // ServeMux pattern -> capability
	grpcMethods  map[string]string
	// limiters are the rate-limited rules' buckets by rule ID; inherited
	// are a previous evaluator's, reused for rules that did not change.
	limiters  map[string]ruleLimiter
	inherited map[string]ruleLimiter
}

type ruleLimiter struct {
	rule    Rule
	limiter *limiter
}

// Option configures Compile.
type Option func(*Evaluator)

// WithClock replaces time.Now for rate limiting, so tests never sleep.
func WithClock(now func() time.Time) Option { return func(e *Evaluator) { e.now = now } }

// keepRateLimitsOf lets rules that are unchanged since previous keep its
// token buckets, so a reload (or a change to another rule) does not hand
// every caller a fresh burst.
func keepRateLimitsOf(previous *Evaluator) Option {
	return func(e *Evaluator) { e.inherited = previous.limiters }
}

// capabilityIndex answers "which rules match this caller" for one
// capability with at most one exact lookup, one lookup per path segment
// and one trust-domain lookup. Each matchSet already holds the union of
// everything matching at and above its key, so no merging (and no
// allocation) happens per request.
type capabilityIndex struct {
	exact       map[string]*matchSet
	prefix      map[string]*matchSet
	trustDomain map[string]*matchSet
	unmatched   matchSet
}

type matchSet struct {
	denyIDs, allowIDs             []string
	limiters                      []*limiter
	shadowDenyIDs, shadowAllowIDs []string
	shadowOnlyLimiters            []*limiter
}

var noRuleIDs = []string{}

// Compile indexes a loaded bundle for Decide.
func Compile(b Bundle, opts ...Option) (*Evaluator, error) {
	p := b.Policy.Normalized()
	if err := Analyze(p, Environment{}).Err(); err != nil {
		return nil, err
	}
	e := &Evaluator{
		bundle:       b,
		capabilities: make(map[string]*capabilityIndex, len(p.Capabilities)),
		now:          time.Now,
		routes:       http.NewServeMux(),
		routeNames:   map[string]string{},
		grpcMethods:  map[string]string{},
		limiters:     map[string]ruleLimiter{},
	}
	for _, opt := range opts {
		opt(e)
	}
	defer func() { e.inherited = nil }()
	audit := p.Enforcement == EnforcementAudit
	e.realDefault = Outcome{Decision: p.DefaultAction, Reason: ReasonDefault, RuleIDs: noRuleIDs}
	e.shadowDflt = e.realDefault
	if audit {
		e.realDefault.Decision = ActionAllow
	}
	e.hasShadow = audit || slices.ContainsFunc(p.Rules, func(r Rule) bool { return r.Mode == ModeDryRun })

	compiled := make([]compiledRule, len(p.Rules))
	for i, rule := range p.Rules {
		compiled[i] = compiledRule{rule: rule, enforced: !audit && rule.Mode == ModeEnforce}
		if rule.RateLimit != nil {
			if kept, ok := e.inherited[rule.ID]; ok && reflect.DeepEqual(kept.rule, rule) {
				compiled[i].limiter = kept.limiter
			} else {
				compiled[i].limiter = newLimiter(rule.ID, *rule.RateLimit)
			}
			e.limiters[rule.ID] = ruleLimiter{rule: rule, limiter: compiled[i].limiter}
		}
		for _, caller := range rule.Callers {
			m, _, problem := resolveCaller(caller, p.TrustDomain)
			if problem.Code != "" {
				return nil, fmt.Errorf("rule %q: %s", rule.ID, problem.Message)
			}
			compiled[i].matchers = append(compiled[i].matchers, m)
		}
	}
	for _, c := range p.Capabilities {
		e.capabilities[c.Name] = indexCapability(c.Name, compiled)
		if c.HTTPPath != "" {
			pattern := c.HTTPMethod + " " + c.HTTPPath
			e.routes.Handle(pattern, http.NotFoundHandler())
			e.routeNames[pattern] = c.Name
		}
		if c.GRPCMethod != "" {
			e.grpcMethods[c.GRPCMethod] = c.Name
		}
	}
	return e, nil
}

// CompilePolicy validates, encodes and compiles p in one step, for callers
// that hold a Policy rather than bundle bytes.
func CompilePolicy(p Policy, opts ...Option) (*Evaluator, error) {
	canonical, digest, err := Marshal(p)
	if err != nil {
		return nil, err
	}
	return Compile(Bundle{Policy: p.Normalized(), Canonical: canonical, Digest: digest}, opts...)
}

type compiledRule struct {
	rule     Rule
	enforced bool
	matchers []matcher
	limiter  *limiter
}

func (r compiledRule) appliesTo(capability string) bool {
	return slices.Contains(r.rule.Capabilities, AllCapabilities) || slices.Contains(r.rule.Capabilities, capability)
}

func indexCapability(capability string, rules []compiledRule) *capabilityIndex {
	exact := map[string][]int{}
	prefix := map[string][]int{}
	trustDomain := map[string][]int{}
	for i, r := range rules {
		if !r.appliesTo(capability) {
			continue
		}
		for _, m := range r.matchers {
			switch m.kind {
			case matchExact:
				exact[m.id.String()] = append(exact[m.id.String()], i)
			case matchPrefix:
				prefix[m.id.String()] = append(prefix[m.id.String()], i)
			default:
				trustDomain[m.id.TrustDomain] = append(trustDomain[m.id.TrustDomain], i)
			}
		}
	}
	// A key's set is its own rules plus every prefix above it plus its
	// trust domain: exactly the rules that match any caller reaching it.
	above := func(id string, td string, includeSelf []int) []int {
		matched := slices.Clone(includeSelf)
		base := len(spiffeScheme) + len(td)
		for end := len(id); end > base; end = strings.LastIndexByte(id[:end], '/') {
			matched = append(matched, prefix[id[:end]]...)
		}
		return append(matched, trustDomain[td]...)
	}
	idx := &capabilityIndex{
		exact:       make(map[string]*matchSet, len(exact)),
		prefix:      make(map[string]*matchSet, len(prefix)),
		trustDomain: make(map[string]*matchSet, len(trustDomain)),
		unmatched:   buildMatchSet(nil, rules),
	}
	for key, own := range exact {
		td, _, _ := splitSPIFFEID(key)
		set := buildMatchSet(above(key, td, own), rules)
		idx.exact[key] = &set
	}
	for key := range prefix {
		td, _, _ := splitSPIFFEID(key)
		set := buildMatchSet(above(key, td, nil), rules)
		idx.prefix[key] = &set
	}
	for td := range trustDomain {
		set := buildMatchSet(above("", td, nil), rules)
		idx.trustDomain[td] = &set
	}
	return idx
}

func buildMatchSet(ruleIndexes []int, rules []compiledRule) matchSet {
	slices.Sort(ruleIndexes)
	ruleIndexes = slices.Compact(ruleIndexes)
	set := matchSet{denyIDs: noRuleIDs, allowIDs: noRuleIDs, shadowDenyIDs: noRuleIDs, shadowAllowIDs: noRuleIDs}
	for _, i := range ruleIndexes {
		r := rules[i]
		deny := r.rule.Action == ActionDeny
		switch {
		case r.enforced && deny:
			set.denyIDs = append(set.denyIDs, r.rule.ID)
		case r.enforced:
			set.allowIDs = append(set.allowIDs, r.rule.ID)
			if r.limiter != nil {
				set.limiters = append(set.limiters, r.limiter)
			}
		case !deny && r.limiter != nil:
			set.shadowOnlyLimiters = append(set.shadowOnlyLimiters, r.limiter)
		}
		if deny {
			set.shadowDenyIDs = append(set.shadowDenyIDs, r.rule.ID)
		} else {
			set.shadowAllowIDs = append(set.shadowAllowIDs, r.rule.ID)
		}
	}
	// Rules are sorted by ID in a normalized policy, so these lists are too.
	return set
}

// Decide answers whether caller (a SPIFFE ID, "" when the peer presented
// none) may use capability. It never allocates and its result does not
// depend on rule order: an enforced matching deny wins; else an enforced
// matching allow, unless a matching rate limit is exhausted; else the
// default action.
func (e *Evaluator) Decide(caller, capability string) Decision {
	d := Decision{
		Caller:       caller,
		Capability:   capability,
		Service:      e.bundle.Policy.Service,
		Enforcement:  e.bundle.Policy.Enforcement,
		BundleDigest: e.bundle.Digest,
	}
	td, path, problem := splitSPIFFEID(caller)
	if caller == "" || problem != "" || path == "" {
		d.Outcome = Outcome{Decision: ActionDeny, Reason: ReasonNoIdentity, RuleIDs: noRuleIDs}
		d.Shadow = d.Outcome
		return d
	}
	idx := e.capabilities[capability]
	if idx == nil {
		d.Outcome = Outcome{Decision: ActionDeny, Reason: ReasonUnknownCapability, RuleIDs: noRuleIDs}
		d.Shadow = d.Outcome
		return d
	}
	set := idx.lookup(caller, td)
	var nowNanos int64
	if len(set.limiters) > 0 || len(set.shadowOnlyLimiters) > 0 {
		nowNanos = e.now().UnixNano()
	}

	switch {
	case len(set.denyIDs) > 0:
		d.Outcome = Outcome{Decision: ActionDeny, Reason: ReasonMatchedDeny, RuleIDs: set.denyIDs}
	case len(set.allowIDs) > 0:
		d.Outcome = Outcome{Decision: ActionAllow, Reason: ReasonMatchedAllow, RuleIDs: set.allowIDs}
		for _, l := range set.limiters {
			if ok, wait := l.take(caller, nowNanos); !ok {
				d.Outcome = Outcome{Decision: ActionDeny, Reason: ReasonRateLimited, RuleIDs: l.ruleIDs}
				d.RetryAfter = wait
				break
			}
		}
	default:
		d.Outcome = e.realDefault
	}
	if !e.hasShadow {
		d.Shadow = d.Outcome
		return d
	}

	switch {
	case len(set.shadowDenyIDs) > 0:
		d.Shadow = Outcome{Decision: ActionDeny, Reason: ReasonMatchedDeny, RuleIDs: set.shadowDenyIDs}
	case len(set.shadowAllowIDs) > 0:
		d.Shadow = Outcome{Decision: ActionAllow, Reason: ReasonMatchedAllow, RuleIDs: set.shadowAllowIDs}
		if d.Reason == ReasonRateLimited {
			// The enforced limiter already spoke; taking again would
			// charge the caller twice.
			d.Shadow = d.Outcome
			break
		}
		for _, l := range set.shadowOnlyLimiters {
			if ok, _ := l.take(caller, nowNanos); !ok {
				d.Shadow = Outcome{Decision: ActionDeny, Reason: ReasonRateLimited, RuleIDs: l.ruleIDs}
				break
			}
		}
	default:
		d.Shadow = e.shadowDflt
	}
	return d
}

// DecidePeer decides for the verified TLS peer of state: its SPIFFE ID,
// or, when it has none or an invalid one, a denial whose reason and Detail
// say what is wrong with the certificate.
func (e *Evaluator) DecidePeer(state *tls.ConnectionState, capability string) Decision {
	id, err := PeerSPIFFEID(state)
	if err == nil {
		return e.Decide(id.String(), capability)
	}
	return e.decideIdentityError(err, capability)
}

// decideIdentityError is the denial for a peer without a usable identity:
// no_identity or identity_invalid, with err as the Detail.
func (e *Evaluator) decideIdentityError(err error, capability string) Decision {
	d := e.Decide("", capability)
	d.Reason = identityReason(err)
	d.Shadow = d.Outcome
	d.Detail = err.Error()
	return d
}

func (idx *capabilityIndex) lookup(caller, td string) *matchSet {
	if set, ok := idx.exact[caller]; ok {
		return set
	}
	if len(idx.prefix) > 0 {
		base := len(spiffeScheme) + len(td)
		for end := len(caller); end > base; end = strings.LastIndexByte(caller[:end], '/') {
			if set, ok := idx.prefix[caller[:end]]; ok {
				return set
			}
		}
	}
	if set, ok := idx.trustDomain[td]; ok {
		return set
	}
	return &idx.unmatched
}

// Digest is the digest of the compiled bundle.
func (e *Evaluator) Digest() string { return e.bundle.Digest }

// Bundle returns the bundle this evaluator was compiled from.
func (e *Evaluator) Bundle() Bundle { return e.bundle }

// CapabilityForHTTP maps a request to a capability by method and path
// template, using the same ServeMux matching rules the service's router does.
func (e *Evaluator) CapabilityForHTTP(r *http.Request) (string, bool) {
	_, pattern := e.routes.Handler(r)
	name, ok := e.routeNames[pattern]
	return name, ok
}

// CapabilityForGRPC maps a full gRPC method name to a capability.
func (e *Evaluator) CapabilityForGRPC(fullMethod string) (string, bool) {
	name, ok := e.grpcMethods[fullMethod]
	return name, ok
}

// Evaluator returns e itself, so a fixed evaluator can be passed wherever an
// EvaluatorSource (such as a reloading BundleFile) is accepted.
func (e *Evaluator) Evaluator() *Evaluator { return e }

// EvaluatorSource hands out the evaluator to use for the next request.
type EvaluatorSource interface {
	Evaluator() *Evaluator
}
