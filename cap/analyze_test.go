package cap

import (
	"slices"
	"strings"
	"testing"
)

func allow(id string, callers []Caller, capabilities ...string) Rule {
	return Rule{ID: id, Action: ActionAllow, Callers: callers, Capabilities: capabilities}
}

func deny(id string, callers []Caller, capabilities ...string) Rule {
	return Rule{ID: id, Action: ActionDeny, Callers: callers, Capabilities: capabilities}
}

func svc(names ...string) []Caller {
	out := make([]Caller, len(names))
	for i, n := range names {
		out[i] = Caller{Service: n}
	}
	return out
}

// reachable allows every capability so unrelated unreachable warnings
// stay out of the cases below.
var reachable = []Rule{
	allow("base-read", svc("reader"), "invoice.read"),
	allow("base-create", svc("reader"), "invoice.create"),
	allow("base-void", svc("reader"), "invoice.void"),
}

func TestAnalyzeDiagnostics(t *testing.T) {
	known := Environment{KnownServices: []string{"billing", "api-gateway", "worker", "reader", "jobs"}, IssuerTrustDomain: testTD}
	tests := []struct {
		name     string
		policy   func(p *Policy)
		env      Environment
		severity Severity
		code     string
		path     string
		ruleIDs  []string
		message  string
	}{
		{name: "unknown caller service", env: known,
			policy:   func(p *Policy) { p.Rules = append(p.Rules, allow("r", svc("ghost"), "invoice.read")) },
			severity: SeverityError, code: CodeUnknownService, path: `rules["r"].callers[0]`, ruleIDs: []string{"r"}, message: `"ghost"`},
		{name: "unknown destination service", env: known,
			policy:   func(p *Policy) { p.Service = "ledger" },
			severity: SeverityError, code: CodeUnknownService, path: "service", message: `"ledger"`},
		{name: "unknown capability",
			policy:   func(p *Policy) { p.Rules = append(p.Rules, allow("r", svc("worker"), "invoice.delete")) },
			severity: SeverityError, code: CodeUnknownCapability, path: `rules["r"].capabilities`, ruleIDs: []string{"r"}, message: `no capability "invoice.delete"`},
		{name: "invalid SPIFFE ID",
			policy: func(p *Policy) {
				p.Rules = append(p.Rules, allow("r", []Caller{{SPIFFEID: "spiffe://example.org/a/../b"}}, "invoice.read"))
			},
			severity: SeverityError, code: CodeInvalidSPIFFEID, path: `rules["r"].callers[0].spiffe_id`, ruleIDs: []string{"r"}, message: "'.' or '..'"},
		{name: "invalid SPIFFE prefix",
			policy: func(p *Policy) {
				p.Rules = append(p.Rules, allow("r", []Caller{{SPIFFEPrefix: "spiffe://example.org/jobs/"}}, "invoice.read"))
			},
			severity: SeverityError, code: CodeInvalidSPIFFEID, path: `rules["r"].callers[0].spiffe_prefix`, ruleIDs: []string{"r"}},
		{name: "trust domain mismatch with issuer", env: Environment{IssuerTrustDomain: "prod.example.org"},
			severity: SeverityError, code: CodeTrustDomainMismatch, path: "trust_domain", message: `"prod.example.org"`},
		{name: "caller in another trust domain",
			policy: func(p *Policy) {
				p.Rules = append(p.Rules, allow("r", []Caller{{SPIFFEID: "spiffe://other.org/worker"}}, "invoice.read"))
			},
			severity: SeverityError, code: CodeTrustDomainMismatch, path: `rules["r"].callers[0].spiffe_id`, ruleIDs: []string{"r"}},
		{name: "rate limit on deny",
			policy: func(p *Policy) {
				r := deny("r", svc("worker"), "invoice.read")
				r.RateLimit = &RateLimit{RPS: 1, Burst: 1}
				p.Rules = append(p.Rules, r)
			},
			severity: SeverityError, code: CodeRateLimitOnDeny, path: `rules["r"].rate_limit`, ruleIDs: []string{"r"}},
		{name: "zero rate",
			policy: func(p *Policy) {
				r := allow("r", svc("worker"), "invoice.read")
				r.RateLimit = &RateLimit{RPS: 0, Burst: 1}
				p.Rules = append(p.Rules, r)
			},
			severity: SeverityError, code: CodeInvalidValue, path: `rules["r"].rate_limit`, ruleIDs: []string{"r"}},
		{name: "duplicate rule ID",
			policy: func(p *Policy) {
				p.Rules = append(p.Rules, allow("r", svc("worker"), "invoice.read"), deny("r", svc("jobs"), "invoice.read"))
			},
			severity: SeverityError, code: CodeDuplicateID, path: `rules["r"].id`, ruleIDs: []string{"r"}},
		{name: "duplicate capability",
			policy:   func(p *Policy) { p.Capabilities = append(p.Capabilities, Capability{Name: "invoice.read"}) },
			severity: SeverityError, code: CodeDuplicateID, path: `capabilities["invoice.read"].name`},
		{name: "conflicting HTTP routes",
			policy: func(p *Policy) {
				p.Capabilities = append(p.Capabilities, Capability{Name: "invoice.get", HTTPMethod: "GET", HTTPPath: "/v1/invoices/{key}"})
			},
			severity: SeverityError, code: CodeConflictingRoutes, path: `capabilities["invoice.read"].http_path`,
			message: `conflicts with the route of capability "invoice.get": GET /v1/invoices/{id} matches the same requests as GET /v1/invoices/{key}`},
		{name: "bad HTTP method",
			policy:   func(p *Policy) { p.Capabilities[0].HTTPMethod = "get" },
			severity: SeverityError, code: CodeInvalidValue, path: `capabilities["invoice.read"].http_path`},
		{name: "bad gRPC method",
			policy:   func(p *Policy) { p.Capabilities[2].GRPCMethod = "Invoices.Void" },
			severity: SeverityError, code: CodeInvalidValue, path: `capabilities["invoice.void"].grpc_method`},
		{name: "caller with two kinds",
			policy: func(p *Policy) {
				p.Rules = append(p.Rules, allow("r", []Caller{{Service: "worker", TrustDomain: testTD}}, "invoice.read"))
			},
			severity: SeverityError, code: CodeInvalidValue, path: `rules["r"].callers[0]`},
		{name: "invalid action",
			policy: func(p *Policy) {
				p.Rules = append(p.Rules, Rule{ID: "r", Action: "permit", Callers: svc("worker"), Capabilities: []string{"invoice.read"}})
			},
			severity: SeverityError, code: CodeInvalidValue, path: `rules["r"].action`},
		{name: "allow fully shadowed by denies",
			policy: func(p *Policy) {
				p.Rules = append(p.Rules,
					allow("jobs-read", []Caller{{SPIFFEPrefix: id("/jobs/nightly")}, {Service: "worker"}}, "invoice.read", "invoice.create"),
					deny("no-jobs", []Caller{{SPIFFEPrefix: id("/jobs")}}, "*"),
					deny("no-worker", svc("worker"), "invoice.read", "invoice.create"))
			},
			severity: SeverityWarning, code: CodeShadowedAllow, path: `rules["jobs-read"]`, ruleIDs: []string{"jobs-read", "no-jobs", "no-worker"}, message: `deny rule(s) "no-jobs", "no-worker"`},
		{name: "redundant allow",
			policy: func(p *Policy) {
				p.Rules = append(p.Rules,
					allow("jobs-all", []Caller{{SPIFFEPrefix: id("/jobs")}}, "invoice.read", "invoice.create"),
					allow("jobs-nightly", []Caller{{SPIFFEID: id("/jobs/nightly")}}, "invoice.read"))
			},
			severity: SeverityWarning, code: CodeRedundantAllow, path: `rules["jobs-nightly"]`, ruleIDs: []string{"jobs-nightly", "jobs-all"}},
		{name: "identical allows: only the later one is redundant",
			policy: func(p *Policy) {
				p.Rules = append(p.Rules, allow("a", svc("worker"), "invoice.read"), allow("b", svc("worker"), "invoice.read"))
			},
			severity: SeverityWarning, code: CodeRedundantAllow, path: `rules["b"]`, ruleIDs: []string{"b", "a"}},
		{name: "partial overlap names the intersection",
			policy: func(p *Policy) {
				p.Rules = append(p.Rules,
					allow("jobs", []Caller{{SPIFFEPrefix: id("/jobs")}}, "invoice.read", "invoice.create"),
					deny("no-legacy-create", []Caller{{SPIFFEPrefix: id("/jobs/legacy")}}, "invoice.create"))
			},
			severity: SeverityWarning, code: CodePartialOverlap, path: `rules["jobs"]`, ruleIDs: []string{"jobs", "no-legacy-create"},
			message: "callers under spiffe://example.org/jobs/legacy on invoice.create"},
		{name: "wildcard capability grant",
			policy:   func(p *Policy) { p.Rules = append(p.Rules, allow("r", svc("worker"), "*")) },
			severity: SeverityWarning, code: CodeBroadGrant, path: `rules["r"].capabilities`, ruleIDs: []string{"r"}},
		{name: "trust-domain-wide grant",
			policy: func(p *Policy) {
				p.Rules = append(p.Rules, allow("r", []Caller{{TrustDomain: testTD}}, "invoice.read"))
			},
			severity: SeverityWarning, code: CodeBroadGrant, path: `rules["r"].callers[0].trust_domain`, ruleIDs: []string{"r"}},
		{name: "capability nobody can reach",
			policy: func(p *Policy) {
				p.Rules = slices.DeleteFunc(p.Rules, func(r Rule) bool { return r.ID == "base-void" })
			},
			severity: SeverityWarning, code: CodeUnreachableCapability, path: `capabilities["invoice.void"]`},
		{name: "capability reachable only through a shadowed allow",
			policy:   func(p *Policy) { p.Rules = append(p.Rules, deny("no-void", svc("reader"), "invoice.void")) },
			severity: SeverityWarning, code: CodeUnreachableCapability, path: `capabilities["invoice.void"]`},
		{name: "default allow",
			policy:   func(p *Policy) { p.DefaultAction = ActionAllow },
			severity: SeverityWarning, code: CodeDefaultAllow, path: "default_action"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := billingPolicy(slices.Clone(reachable)...)
			if tc.policy != nil {
				tc.policy(&p)
			}
			diags := Analyze(p, tc.env)
			for _, d := range diags {
				if d.Severity == tc.severity && d.Code == tc.code && d.Path == tc.path &&
					(tc.ruleIDs == nil || slices.Equal(d.RuleIDs, tc.ruleIDs)) && strings.Contains(d.Message, tc.message) {
					return
				}
			}
			t.Fatalf("want %s %s at %s rules %v containing %q; got:\n%s", tc.severity, tc.code, tc.path, tc.ruleIDs, tc.message, render(diags))
		})
	}
}

func TestAnalyzeCleanPolicyHasNoFindings(t *testing.T) {
	p := billingPolicy(append(slices.Clone(reachable),
		allow("gw", svc("api-gateway"), "invoice.read", "invoice.create"),
		allow("jobs", []Caller{{SPIFFEPrefix: id("/jobs")}}, "invoice.read"),
		deny("no-legacy", []Caller{{SPIFFEPrefix: id("/legacy")}}, "*"),
	)...)
	env := Environment{KnownServices: []string{"billing", "api-gateway", "reader"}, IssuerTrustDomain: testTD}
	if diags := Analyze(p, env); len(diags) != 0 {
		t.Fatalf("unexpected findings:\n%s", render(diags))
	}
}

func TestAnalyzeDryRunDenyDoesNotShadowEnforcedAllow(t *testing.T) {
	d := deny("try", svc("worker"), "invoice.read")
	d.Mode = ModeDryRun
	p := billingPolicy(append(slices.Clone(reachable), allow("w", svc("worker"), "invoice.read"), d)...)
	for _, diag := range Analyze(p, Environment{}) {
		if diag.Code == CodeShadowedAllow {
			t.Fatalf("a dry-run deny never blocks, so it cannot shadow: %s", diag)
		}
	}
}

func TestAssemblePolicy(t *testing.T) {
	available := []Rule{
		allow("gw", svc("api-gateway"), "invoice.read"),
		allow("w", svc("worker"), "invoice.read"),
		allow("w", svc("worker"), "invoice.create"),
	}
	spec := PolicySpec{Service: "billing", TrustDomain: testTD, RuleIDs: []string{"gw", "missing", "gw"}}
	p, diags := AssemblePolicy(spec, Service{Name: "billing", Capabilities: billingCapabilities()}, available)
	codes := map[string]int{}
	for _, d := range diags {
		codes[d.Code]++
	}
	if codes[CodeUnresolvedRuleID] != 1 || codes[CodeDuplicateID] != 2 {
		t.Fatalf("want 1 unresolved and 2 duplicate diagnostics:\n%s", render(diags))
	}
	if len(p.Rules) != 1 || p.Rules[0].ID != "gw" || len(p.Capabilities) != 3 {
		t.Fatalf("assembled %+v", p)
	}
}

func render(diags Diagnostics) string {
	lines := make([]string, len(diags))
	for i, d := range diags {
		lines[i] = "  " + d.String() + " rules=" + strings.Join(d.RuleIDs, ",")
	}
	return strings.Join(lines, "\n")
}
