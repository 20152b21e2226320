package cap

import (
	"slices"
	"testing"
	"time"
)

const testTD = "example.org"

func id(path string) string { return "spiffe://" + testTD + path }

func billingCapabilities() []Capability {
	return []Capability{
		{Name: "invoice.read", HTTPMethod: "GET", HTTPPath: "/v1/invoices/{id}"},
		{Name: "invoice.create", HTTPMethod: "POST", HTTPPath: "/v1/invoices"},
		{Name: "invoice.void", GRPCMethod: "/billing.v1.Invoices/Void"},
	}
}

func billingPolicy(rules ...Rule) Policy {
	return Policy{
		Service:       "billing",
		TrustDomain:   testTD,
		DefaultAction: ActionDeny,
		Enforcement:   EnforcementEnforce,
		Capabilities:  billingCapabilities(),
		Rules:         rules,
	}
}

// fakeClock is advanced explicitly by tests, so rate limits never need sleeps.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time          { return c.now }
func (c *fakeClock) Advance(d time.Duration) { c.now = c.now.Add(d) }

func mustCompile(t testing.TB, p Policy, opts ...Option) *Evaluator {
	t.Helper()
	e, err := CompilePolicy(p, opts...)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return e
}

func TestDecideReasons(t *testing.T) {
	rules := []Rule{
		{ID: "gw-all", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read", "invoice.create"}},
		{ID: "worker-read", Action: ActionAllow, Callers: []Caller{{Service: "worker"}}, Capabilities: []string{"invoice.read"}},
		{ID: "jobs-read", Action: ActionAllow, Callers: []Caller{{SPIFFEPrefix: id("/billing")}}, Capabilities: []string{"invoice.read"}},
		{ID: "no-legacy", Action: ActionDeny, Callers: []Caller{{SPIFFEPrefix: id("/billing/legacy")}}, Capabilities: []string{"*"}},
		{ID: "block-intruder", Action: ActionDeny, Callers: []Caller{{SPIFFEID: id("/api-gateway")}}, Capabilities: []string{"invoice.create"}},
		{ID: "gw-create-too", Action: ActionAllow, Callers: []Caller{{SPIFFEID: id("/api-gateway")}}, Capabilities: []string{"invoice.create"}},
	}
	e := mustCompile(t, billingPolicy(rules...))
	tests := []struct {
		name       string
		caller     string
		capability string
		decision   Action
		reason     Reason
		ruleIDs    []string
	}{
		{"exact service allow", id("/api-gateway"), "invoice.read", ActionAllow, ReasonMatchedAllow, []string{"gw-all"}},
		{"deny wins over allows whatever the order", id("/api-gateway"), "invoice.create", ActionDeny, ReasonMatchedDeny, []string{"block-intruder"}},
		{"default deny is named", id("/worker"), "invoice.create", ActionDeny, ReasonDefault, []string{}},
		{"unknown caller gets default", id("/stranger"), "invoice.read", ActionDeny, ReasonDefault, []string{}},
		{"prefix matches itself", id("/billing"), "invoice.read", ActionAllow, ReasonMatchedAllow, []string{"jobs-read"}},
		{"prefix matches below a segment boundary", id("/billing/worker"), "invoice.read", ActionAllow, ReasonMatchedAllow, []string{"jobs-read"}},
		{"prefix never matches a longer segment", id("/billing-v2"), "invoice.read", ActionDeny, ReasonDefault, []string{}},
		{"prefix never matches a longer segment deeper", id("/billing/legacyish"), "invoice.read", ActionAllow, ReasonMatchedAllow, []string{"jobs-read"}},
		{"deeper deny prefix wins", id("/billing/legacy/cron"), "invoice.read", ActionDeny, ReasonMatchedDeny, []string{"no-legacy"}},
		{"wildcard deny applies to every capability", id("/billing/legacy"), "invoice.void", ActionDeny, ReasonMatchedDeny, []string{"no-legacy"}},
		{"unknown capability", id("/api-gateway"), "invoice.delete", ActionDeny, ReasonUnknownCapability, []string{}},
		{"no identity", "", "invoice.read", ActionDeny, ReasonNoIdentity, []string{}},
		{"malformed identity is no identity", "spiffe://Example.org/api-gateway", "invoice.read", ActionDeny, ReasonNoIdentity, []string{}},
		{"trust domain alone is no workload identity", "spiffe://example.org", "invoice.read", ActionDeny, ReasonNoIdentity, []string{}},
		{"other trust domain gets default", "spiffe://evil.org/api-gateway", "invoice.read", ActionDeny, ReasonDefault, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := e.Decide(tc.caller, tc.capability)
			if d.Decision != tc.decision || d.Reason != tc.reason || !slices.Equal(d.RuleIDs, tc.ruleIDs) {
				t.Fatalf("Decide(%q, %q) = %s/%s %v, want %s/%s %v", tc.caller, tc.capability, d.Decision, d.Reason, d.RuleIDs, tc.decision, tc.reason, tc.ruleIDs)
			}
			if d.RuleIDs == nil || d.Shadow.RuleIDs == nil {
				t.Fatal("rule IDs must be an empty list, never nil, so JSON shows []")
			}
			if d.ShadowDiffers() {
				t.Fatalf("no dry-run rules, but shadow %+v differs from %+v", d.Shadow, d.Outcome)
			}
			if d.Caller != tc.caller || d.Capability != tc.capability || d.Service != "billing" || d.BundleDigest != e.Digest() || d.BundleDigest == "" {
				t.Fatalf("record fields wrong: %+v", d)
			}
		})
	}
}

func TestDecideIsOrderIndependent(t *testing.T) {
	rules := []Rule{
		{ID: "a", Action: ActionAllow, Callers: []Caller{{TrustDomain: testTD}}, Capabilities: []string{"*"}},
		{ID: "b", Action: ActionDeny, Callers: []Caller{{Service: "worker"}}, Capabilities: []string{"invoice.create"}},
		{ID: "c", Action: ActionAllow, Callers: []Caller{{Service: "worker"}}, Capabilities: []string{"invoice.create"}},
	}
	forward := mustCompile(t, billingPolicy(rules...))
	backward := mustCompile(t, billingPolicy(rules[2], rules[1], rules[0]))
	if forward.Digest() != backward.Digest() {
		t.Fatalf("digest depends on rule order: %s vs %s", forward.Digest(), backward.Digest())
	}
	for _, caller := range []string{id("/worker"), id("/api-gateway")} {
		for _, c := range []string{"invoice.read", "invoice.create"} {
			f, b := forward.Decide(caller, c), backward.Decide(caller, c)
			if f.Decision != b.Decision || f.Reason != b.Reason || !slices.Equal(f.RuleIDs, b.RuleIDs) {
				t.Fatalf("%s %s: %+v vs %+v", caller, c, f.Outcome, b.Outcome)
			}
		}
	}
	if d := forward.Decide(id("/worker"), "invoice.read"); !slices.Equal(d.RuleIDs, []string{"a"}) {
		t.Fatalf("trust-domain allow should match worker: %+v", d.Outcome)
	}
	if d := forward.Decide(id("/worker"), "invoice.create"); d.Reason != ReasonMatchedDeny || !slices.Equal(d.RuleIDs, []string{"b"}) {
		t.Fatalf("deny must win: %+v", d.Outcome)
	}
}

func TestDecideAllMatchingRulesAreNamed(t *testing.T) {
	e := mustCompile(t, billingPolicy(
		Rule{ID: "by-service", Action: ActionAllow, Callers: []Caller{{Service: "jobs"}}, Capabilities: []string{"invoice.read"}},
		Rule{ID: "by-prefix", Action: ActionAllow, Callers: []Caller{{SPIFFEPrefix: id("/jobs")}}, Capabilities: []string{"*"}},
		Rule{ID: "by-domain", Action: ActionAllow, Callers: []Caller{{TrustDomain: testTD}}, Capabilities: []string{"invoice.read"}},
	))
	d := e.Decide(id("/jobs"), "invoice.read")
	if want := []string{"by-domain", "by-prefix", "by-service"}; !slices.Equal(d.RuleIDs, want) {
		t.Fatalf("rule IDs = %v, want %v", d.RuleIDs, want)
	}
}

func TestDecideDefaultAllow(t *testing.T) {
	p := billingPolicy(Rule{ID: "no-worker", Action: ActionDeny, Callers: []Caller{{Service: "worker"}}, Capabilities: []string{"*"}})
	p.DefaultAction = ActionAllow
	e := mustCompile(t, p)
	if d := e.Decide(id("/anyone"), "invoice.read"); d.Decision != ActionAllow || d.Reason != ReasonDefault {
		t.Fatalf("got %+v, want default allow", d.Outcome)
	}
	if d := e.Decide(id("/worker"), "invoice.read"); d.Decision != ActionDeny || d.Reason != ReasonMatchedDeny {
		t.Fatalf("got %+v, want matched deny", d.Outcome)
	}
}

func TestDecideDryRunRulesOnlyShadow(t *testing.T) {
	e := mustCompile(t, billingPolicy(
		Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"*"}},
		Rule{ID: "try-deny-create", Action: ActionDeny, Mode: ModeDryRun, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.create"}},
		Rule{ID: "try-worker", Action: ActionAllow, Mode: ModeDryRun, Callers: []Caller{{Service: "worker"}}, Capabilities: []string{"invoice.read"}},
	))
	tests := []struct {
		caller, capability string
		real, shadow       Outcome
	}{
		{id("/api-gateway"), "invoice.create",
			Outcome{ActionAllow, ReasonMatchedAllow, []string{"gw"}},
			Outcome{ActionDeny, ReasonMatchedDeny, []string{"try-deny-create"}}},
		{id("/worker"), "invoice.read",
			Outcome{ActionDeny, ReasonDefault, []string{}},
			Outcome{ActionAllow, ReasonMatchedAllow, []string{"try-worker"}}},
		{id("/api-gateway"), "invoice.read",
			Outcome{ActionAllow, ReasonMatchedAllow, []string{"gw"}},
			Outcome{ActionAllow, ReasonMatchedAllow, []string{"gw"}}},
	}
	for _, tc := range tests {
		d := e.Decide(tc.caller, tc.capability)
		if !outcomeEqual(d.Outcome, tc.real) || !outcomeEqual(d.Shadow, tc.shadow) {
			t.Errorf("%s %s: real %+v shadow %+v, want real %+v shadow %+v", tc.caller, tc.capability, d.Outcome, d.Shadow, tc.real, tc.shadow)
		}
	}
}

func TestDecideAuditNeverBlocks(t *testing.T) {
	p := billingPolicy(
		Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}, RateLimit: &RateLimit{RPS: 1, Burst: 1}},
		Rule{ID: "no-worker", Action: ActionDeny, Callers: []Caller{{Service: "worker"}}, Capabilities: []string{"*"}},
	)
	p.Enforcement = EnforcementAudit
	clock := &fakeClock{now: time.Unix(1000, 0)}
	e := mustCompile(t, p, WithClock(clock.Now))
	tests := []struct {
		caller, capability string
		shadow             Outcome
	}{
		{id("/worker"), "invoice.read", Outcome{ActionDeny, ReasonMatchedDeny, []string{"no-worker"}}},
		{id("/stranger"), "invoice.read", Outcome{ActionDeny, ReasonDefault, []string{}}},
		{id("/api-gateway"), "invoice.read", Outcome{ActionAllow, ReasonMatchedAllow, []string{"gw"}}},
		{id("/api-gateway"), "invoice.read", Outcome{ActionDeny, ReasonRateLimited, []string{"gw"}}},
	}
	for _, tc := range tests {
		d := e.Decide(tc.caller, tc.capability)
		if !outcomeEqual(d.Outcome, Outcome{ActionAllow, ReasonDefault, []string{}}) {
			t.Errorf("%s: audit must allow by default, got %+v", tc.caller, d.Outcome)
		}
		if !outcomeEqual(d.Shadow, tc.shadow) {
			t.Errorf("%s: shadow %+v, want %+v", tc.caller, d.Shadow, tc.shadow)
		}
		if d.Enforcement != EnforcementAudit {
			t.Errorf("record must say audit, got %q", d.Enforcement)
		}
	}
	if d := e.Decide("", "invoice.read"); d.Reason != ReasonNoIdentity || d.Allowed() {
		t.Fatalf("audit does not let anonymous callers in: %+v", d.Outcome)
	}
}

func TestDecideRateLimit(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	e := mustCompile(t, billingPolicy(
		Rule{ID: "gw-read", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}, {Service: "worker"}}, Capabilities: []string{"invoice.read"}, RateLimit: &RateLimit{RPS: 2, Burst: 3}},
	), WithClock(clock.Now))
	gw, worker := id("/api-gateway"), id("/worker")
	for i := range 3 {
		if d := e.Decide(gw, "invoice.read"); d.Reason != ReasonMatchedAllow {
			t.Fatalf("request %d within burst: %+v", i, d.Outcome)
		}
	}
	d := e.Decide(gw, "invoice.read")
	if d.Reason != ReasonRateLimited || d.Allowed() || !slices.Equal(d.RuleIDs, []string{"gw-read"}) {
		t.Fatalf("4th request: %+v, want rate_limited by gw-read", d.Outcome)
	}
	if d.RetryAfter != 500*time.Millisecond {
		t.Fatalf("RetryAfter = %v, want 500ms at 2 rps", d.RetryAfter)
	}
	if d := e.Decide(worker, "invoice.read"); d.Reason != ReasonMatchedAllow {
		t.Fatalf("buckets are per caller, worker must still pass: %+v", d.Outcome)
	}
	clock.Advance(499 * time.Millisecond)
	if d := e.Decide(gw, "invoice.read"); d.Reason != ReasonRateLimited {
		t.Fatalf("no token yet after 499ms: %+v", d.Outcome)
	}
	clock.Advance(time.Millisecond)
	if d := e.Decide(gw, "invoice.read"); d.Reason != ReasonMatchedAllow {
		t.Fatalf("token refilled after 500ms: %+v", d.Outcome)
	}
	clock.Advance(time.Hour)
	for i := range 3 {
		if d := e.Decide(gw, "invoice.read"); d.Reason != ReasonMatchedAllow {
			t.Fatalf("refill is capped at burst, request %d: %+v", i, d.Outcome)
		}
	}
	if d := e.Decide(gw, "invoice.read"); d.Reason != ReasonRateLimited {
		t.Fatalf("refill must not exceed burst: %+v", d.Outcome)
	}
	clock.Advance(-time.Hour)
	if d := e.Decide(gw, "invoice.read"); d.Reason != ReasonRateLimited {
		t.Fatalf("a clock stepping back must not mint tokens: %+v", d.Outcome)
	}
}

func TestDecideDryRunRateLimitOnlyShadows(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	e := mustCompile(t, billingPolicy(
		Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}},
		Rule{ID: "gw-limit-trial", Action: ActionAllow, Mode: ModeDryRun, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}, RateLimit: &RateLimit{RPS: 1, Burst: 1}},
	), WithClock(clock.Now))
	e.Decide(id("/api-gateway"), "invoice.read")
	d := e.Decide(id("/api-gateway"), "invoice.read")
	if d.Reason != ReasonMatchedAllow || d.Shadow.Reason != ReasonRateLimited || !slices.Equal(d.Shadow.RuleIDs, []string{"gw-limit-trial"}) {
		t.Fatalf("real %+v shadow %+v; want real allow, shadow rate_limited", d.Outcome, d.Shadow)
	}
}

func TestCapabilityRouting(t *testing.T) {
	e := mustCompile(t, billingPolicy())
	tests := []struct {
		method, path, want string
	}{
		{"GET", "/v1/invoices/42", "invoice.read"},
		{"POST", "/v1/invoices", "invoice.create"},
		{"DELETE", "/v1/invoices/42", ""},
		{"GET", "/v1/invoices/42/lines", ""},
		{"GET", "/healthz", ""},
	}
	for _, tc := range tests {
		r, _ := newRequest(tc.method, tc.path)
		got, ok := e.CapabilityForHTTP(r)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("%s %s -> %q %v, want %q", tc.method, tc.path, got, ok, tc.want)
		}
	}
	if got, ok := e.CapabilityForGRPC("/billing.v1.Invoices/Void"); !ok || got != "invoice.void" {
		t.Errorf("gRPC mapping: %q %v", got, ok)
	}
}

func outcomeEqual(a, b Outcome) bool {
	return a.Decision == b.Decision && a.Reason == b.Reason && slices.Equal(a.RuleIDs, b.RuleIDs)
}
