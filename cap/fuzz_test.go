package cap

import (
	"bytes"
	"testing"
)

func FuzzLoadBundle(f *testing.F) {
	good, _, err := Marshal(billingPolicy(
		Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}, {SPIFFEPrefix: id("/edge")}}, Capabilities: []string{"*"}, RateLimit: &RateLimit{RPS: 5, Burst: 5}},
		Rule{ID: "no", Action: ActionDeny, Mode: ModeDryRun, Callers: []Caller{{TrustDomain: testTD}}, Capabilities: []string{"invoice.void"}},
	))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"schema":"crank.cap.bundle/v1"}`))
	f.Add([]byte(`{"schema":"crank.cap.bundle/v2","x":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		bundle, err := Load(data)
		if err != nil {
			return
		}
		// Anything Load accepts must be canonical, stable and compilable.
		again, err := Load(bundle.Canonical)
		if err != nil || again.Digest != bundle.Digest || !bytes.Equal(again.Canonical, bundle.Canonical) {
			t.Fatalf("canonical form does not round-trip: %v", err)
		}
		e, err := Compile(bundle)
		if err != nil {
			t.Fatalf("Load accepted a bundle Compile rejects: %v", err)
		}
		for _, c := range bundle.Policy.Capabilities {
			d := e.Decide(id("/api-gateway"), c.Name)
			if d.Reason == "" || d.RuleIDs == nil {
				t.Fatalf("incomplete decision %+v", d)
			}
		}
	})
}

// FuzzDecide checks Decide against a direct, unindexed reading of the
// semantics for arbitrary callers, so the index can never drift from them.
func FuzzDecide(f *testing.F) {
	p := billingPolicy(
		Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read", "invoice.create"}},
		Rule{ID: "jobs", Action: ActionAllow, Callers: []Caller{{SPIFFEPrefix: id("/jobs")}}, Capabilities: []string{"invoice.read"}},
		Rule{ID: "no-legacy", Action: ActionDeny, Callers: []Caller{{SPIFFEPrefix: id("/jobs/legacy")}}, Capabilities: []string{"*"}},
		Rule{ID: "domain", Action: ActionAllow, Callers: []Caller{{TrustDomain: testTD}}, Capabilities: []string{"invoice.void"}},
		Rule{ID: "no-gw-void", Action: ActionDeny, Callers: []Caller{{SPIFFEID: id("/api-gateway")}}, Capabilities: []string{"invoice.void"}},
		Rule{ID: "trial", Action: ActionDeny, Mode: ModeDryRun, Callers: []Caller{{SPIFFEPrefix: id("/jobs/new")}}, Capabilities: []string{"invoice.read"}},
	)
	e := mustCompile(f, p)
	compiled := p.Normalized()
	for _, seed := range []string{id("/api-gateway"), id("/jobs"), id("/jobs-v2"), id("/jobs/legacy/x"), id("/jobs/new"), "", "spiffe://example.org", "spiffe://EXAMPLE.org/jobs", "spiffe://other.org/jobs"} {
		f.Add(seed, "invoice.read")
		f.Add(seed, "invoice.void")
	}
	f.Fuzz(func(t *testing.T, caller, capability string) {
		d := e.Decide(caller, capability)
		want, wantIDs := referenceDecide(compiled, caller, capability, false)
		shadow, shadowIDs := referenceDecide(compiled, caller, capability, true)
		if d.Reason != want || !sameSet(d.RuleIDs, wantIDs) {
			t.Fatalf("Decide(%q, %q) = %s %v, reference says %s %v", caller, capability, d.Reason, d.RuleIDs, want, wantIDs)
		}
		if d.Shadow.Reason != shadow || !sameSet(d.Shadow.RuleIDs, shadowIDs) {
			t.Fatalf("shadow of (%q, %q) = %s %v, reference says %s %v", caller, capability, d.Shadow.Reason, d.Shadow.RuleIDs, shadow, shadowIDs)
		}
	})
}

// referenceDecide is the semantics written as plainly as possible (no
// rate limits, enforce policies only).
func referenceDecide(p Policy, caller, capability string, includeDryRun bool) (Reason, []string) {
	callerID, err := ParseSPIFFEID(caller)
	if err != nil || callerID.Path == "" {
		return ReasonNoIdentity, nil
	}
	known := false
	for _, c := range p.Capabilities {
		known = known || c.Name == capability
	}
	if !known {
		return ReasonUnknownCapability, nil
	}
	var denies, allows []string
	for _, r := range p.Rules {
		if r.Mode == ModeDryRun && !includeDryRun {
			continue
		}
		capMatch := false
		for _, c := range r.Capabilities {
			capMatch = capMatch || c == capability || c == AllCapabilities
		}
		callerMatch := false
		for _, c := range r.Callers {
			m, _, _ := resolveCaller(c, p.TrustDomain)
			callerMatch = callerMatch || m.matches(callerID)
		}
		if capMatch && callerMatch {
			if r.Action == ActionDeny {
				denies = append(denies, r.ID)
			} else {
				allows = append(allows, r.ID)
			}
		}
	}
	switch {
	case len(denies) > 0:
		return ReasonMatchedDeny, denies
	case len(allows) > 0:
		return ReasonMatchedAllow, allows
	}
	return ReasonDefault, nil
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]bool{}
	for _, s := range a {
		seen[s] = true
	}
	for _, s := range b {
		if !seen[s] {
			return false
		}
	}
	return true
}
