package cap

import (
	"fmt"
	"testing"
)

// benchmarkPolicy has 1,000 rules over 20 capabilities: exact-service
// allows, per-team prefix allows and denies, and a few trust-domain rules,
// roughly what a large shared service accumulates.
func benchmarkPolicy() Policy {
	p := Policy{Service: "billing", TrustDomain: testTD, DefaultAction: ActionDeny}
	for c := range 20 {
		p.Capabilities = append(p.Capabilities, Capability{Name: fmt.Sprintf("op.%02d", c)})
	}
	for i := range 1000 {
		capability := fmt.Sprintf("op.%02d", i%20)
		rule := Rule{ID: fmt.Sprintf("rule-%04d", i), Action: ActionAllow, Capabilities: []string{capability}}
		switch {
		case i%10 == 9:
			rule.Action = ActionDeny
			rule.Callers = []Caller{{SPIFFEPrefix: id(fmt.Sprintf("/team-%d/legacy", i%50))}}
		case i%10 == 8:
			rule.Callers = []Caller{{SPIFFEPrefix: id(fmt.Sprintf("/team-%d", i%50))}}
		case i%100 == 7:
			rule.Mode = ModeDryRun
			rule.Callers = []Caller{{TrustDomain: testTD}}
		default:
			rule.Callers = []Caller{{Service: fmt.Sprintf("svc-%d", i)}}
		}
		p.Rules = append(p.Rules, rule)
	}
	return p
}

func BenchmarkDecide1000Rules(b *testing.B) {
	e := mustCompile(b, benchmarkPolicy())
	cases := []struct {
		name, caller, capability string
		want                     Reason
	}{
		{"exact-hit", id("/svc-42"), "op.02", ReasonMatchedAllow},
		{"miss-default", id("/svc-42"), "op.03", ReasonDefault},
		{"unknown-caller", id("/nobody/at/all"), "op.05", ReasonDefault},
		{"prefix-hit", id("/team-8/jobs/nightly"), "op.08", ReasonMatchedAllow},
		{"prefix-deny", id("/team-19/legacy/cron"), "op.19", ReasonMatchedDeny},
		{"no-identity", "", "op.01", ReasonNoIdentity},
	}
	for _, tc := range cases {
		if got := e.Decide(tc.caller, tc.capability).Reason; got != tc.want {
			b.Fatalf("%s: reason %s, want %s", tc.name, got, tc.want)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.Decide(tc.caller, tc.capability)
			}
		})
	}
}

func BenchmarkDecideRateLimited(b *testing.B) {
	p := billingPolicy(Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}, RateLimit: &RateLimit{RPS: 1e9, Burst: 1000}})
	e := mustCompile(b, p)
	caller := id("/api-gateway")
	b.ReportAllocs()
	for b.Loop() {
		e.Decide(caller, "invoice.read")
	}
}

func TestDecideDoesNotAllocate(t *testing.T) {
	e := mustCompile(t, benchmarkPolicy())
	for _, caller := range []string{id("/svc-42"), id("/team-8/jobs/nightly"), id("/nobody"), ""} {
		if allocs := testing.AllocsPerRun(100, func() { e.Decide(caller, "op.08") }); allocs != 0 {
			t.Errorf("Decide(%q) allocates %.0f times", caller, allocs)
		}
	}
}
