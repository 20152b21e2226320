package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/crank-platform/terraform-provider-crank/cap"
)

// capBase declares billing's capabilities and two rules; capConfig adds
// rules and policy attributes per test.
const capBase = `
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_capability" "read" {
  service     = "billing"
  name        = "invoice.read"
  http_method = "GET"
  http_path   = "/v1/invoices/{id}"
}
resource "crank_capability" "create" {
  service     = "billing"
  name        = "invoice.create"
  http_method = "POST"
  http_path   = "/v1/invoices"
}
resource "crank_cap_rule" "gateway" {
  id           = "gateway"
  service      = "billing"
  action       = "allow"
  callers      = [{ service = "api-gateway" }]
  capabilities = ["invoice.read", "invoice.create"]
}
resource "crank_cap_rule" "worker" {
  id           = "worker-read"
  service      = "billing"
  action       = "allow"
  callers      = [{ service = "worker" }]
  capabilities = ["invoice.read"]
  rate_limit   = { rps = 5, burst = 5 }
}
`

// capConfig is capBase plus extra resources and a billing policy whose
// rules list and body are given.
func capConfig(extra, rules, policyBody string) string {
	return capBase + extra + fmt.Sprintf(`
resource "crank_cap_policy" "billing" {
  service      = "billing"
  capabilities = [crank_capability.read.capability, crank_capability.create.capability]
  rules        = [%s]
%s
}
`, rules, policyBody)
}

const capDefaultRules = "crank_cap_rule.gateway.rule, crank_cap_rule.worker.rule"

const capPassingTests = `
  test {
    caller     = "api-gateway"
    capability = "invoice.create"
    expect     = "allow"
  }
  test {
    caller     = "spiffe://example.org/worker"
    capability = "invoice.create"
    expect     = "deny"
    reason     = "default"
  }
`

func TestAccCapPolicy_bundleAtPlanTime(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{{
			Config: capConfig("", capDefaultRules, capPassingTests),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				// Known before apply: the plan shows the bundle itself.
				plancheck.ExpectKnownValue("crank_cap_policy.billing", tfjsonpath.New("bundle_digest"), knownvalue.StringRegexp(regexp.MustCompile(`^sha256:[0-9a-f]{64}$`))),
				plancheck.ExpectKnownValue("crank_cap_policy.billing", tfjsonpath.New("trust_domain"), knownvalue.StringExact("example.org")),
				plancheck.ExpectKnownValue("crank_cap_policy.billing", tfjsonpath.New("warnings"), knownvalue.ListExact([]knownvalue.Check{})),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("crank_capability.read", "id", "billing/invoice.read"),
				resource.TestCheckResourceAttr("crank_cap_rule.worker", "rule.rate_limit.burst", "5"),
				resource.TestCheckResourceAttr("crank_cap_rule.gateway", "rule.mode", "enforce"),
				resource.TestCheckResourceAttr("crank_cap_policy.billing", "default_action", "deny"),
				checkCapBundle("crank_cap_policy.billing", func(b cap.Bundle) error {
					if b.Policy.Service != "billing" || len(b.Policy.Rules) != 2 || len(b.Policy.Capabilities) != 2 {
						return fmt.Errorf("unexpected bundle policy %+v", b.Policy)
					}
					if limit := b.Policy.Rules[1].RateLimit; b.Policy.Rules[1].ID != "worker-read" || limit == nil || limit.RPS != 5 || limit.Burst != 5 {
						return fmt.Errorf("worker-read rule lost its rate limit: %+v", b.Policy.Rules[1])
					}
					return nil
				}),
			),
		}},
	})
}

// checkCapBundle loads bundle_json with cap.Load, as a service would, and
// checks its digest against bundle_digest.
func checkCapBundle(addr string, check func(cap.Bundle) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		raw, err := stateAttr(s, addr, "bundle_json")
		if err != nil {
			return err
		}
		digest, err := stateAttr(s, addr, "bundle_digest")
		if err != nil {
			return err
		}
		b, err := cap.Load([]byte(raw))
		if err != nil {
			return fmt.Errorf("bundle_json does not load: %v", err)
		}
		if b.Digest != digest || string(b.Canonical) != raw {
			return fmt.Errorf("bundle_json is not canonical or bundle_digest %s differs from %s", digest, b.Digest)
		}
		return check(b)
	}
}

func TestAccCapPolicy_planErrors(t *testing.T) {
	requireAcc(t)
	cases := []struct {
		name   string
		config string
		want   []string
	}{
		{"unknown capability", capConfig(`
resource "crank_cap_rule" "typo" {
  id           = "typo"
  service      = "billing"
  action       = "allow"
  callers      = [{ service = "worker" }]
  capabilities = ["invoice.delete"]
}`, capDefaultRules+", crank_cap_rule.typo.rule", ""),
			[]string{"Unknown capability", `service "billing" has no capability "invoice.delete"; declare it with crank_capability`}},
		{"unknown caller service", capConfig("", capDefaultRules, `known_services = ["billing", "api-gateway"]`),
			[]string{"Unknown service", `caller service "worker" is not a known service`, `(at rules["worker-read"].callers[0])`}},
		{"unknown destination service", capConfig("", capDefaultRules, `known_services = ["api-gateway", "worker"]`),
			[]string{"Unknown service", `destination service "billing" is not a known service`}},
		{"invalid SPIFFE ID in an inline rule", capConfig("", capDefaultRules+`, {
    id = "inline", service = "billing", action = "allow", capabilities = ["invoice.read"]
    callers = [{ service = "worker" }, { spiffe_id = "spiffe://example.org/jobs/../admin" }]
  }`, ""),
			[]string{"Invalid SPIFFE ID", `"spiffe://example.org/jobs/../admin": path segments must not be`, `[invalid_spiffe_id] (at rules["inline"].callers[1].spiffe_id)`}},
		{"invalid SPIFFE ID on the rule resource", capBase + `
resource "crank_cap_rule" "bad" {
  id           = "bad"
  service      = "billing"
  action       = "allow"
  callers      = [{ spiffe_prefix = "spiffe://Example.org/jobs" }]
  capabilities = ["invoice.read"]
}`, []string{"Invalid SPIFFE ID", `crank_cap_rule.bad`, `"spiffe://Example.org/jobs": trust domain must be lowercase`}},
		{"caller in another trust domain", capConfig("", capDefaultRules+`, {
    id = "foreign", service = "billing", action = "allow", capabilities = ["invoice.read"]
    callers = [{ spiffe_id = "spiffe://partner.example/billing-sync" }]
  }`, ""),
			[]string{"Trust domain mismatch", `is in trust domain "partner.example" but the policy's trust domain is "example.org"`}},
		{"unresolved rule ID", capConfig("", capDefaultRules, `rule_ids = ["gateway", "worker-read", "gatway"]`),
			[]string{"Unresolved rule ID", `rule_ids = [`, `rule ID "gatway" does not name any crank_cap_rule`}},
		{"duplicate rule ID", capConfig(`
resource "crank_cap_rule" "again" {
  id           = "gateway"
  service      = "billing"
  action       = "deny"
  callers      = [{ service = "worker" }]
  capabilities = ["invoice.create"]
}`, capDefaultRules+", crank_cap_rule.again.rule", ""),
			[]string{"Duplicate ID", `rule ID "gateway" is used more than once`}},
		{"rate limit on a deny rule", capBase + `
resource "crank_cap_rule" "limited_deny" {
  id           = "limited-deny"
  service      = "billing"
  action       = "deny"
  callers      = [{ service = "worker" }]
  capabilities = ["invoice.create"]
  rate_limit   = { rps = 1, burst = 1 }
}`, []string{"Rate limit on a deny rule", "rate_limit", "move the limit to the allow rule"}},
		{"rule for another destination", capConfig(`
resource "crank_cap_rule" "elsewhere" {
  id           = "elsewhere"
  service      = "ledger"
  action       = "allow"
  callers      = [{ service = "worker" }]
  capabilities = ["entry.read"]
}`, capDefaultRules+", crank_cap_rule.elsewhere.rule", ""),
			[]string{"Rule for another service", `rule "elsewhere" is for destination "ledger", but this policy is for "billing"`}},
		{"conflicting routes", strings.Replace(capConfig(`
resource "crank_capability" "read_again" {
  service     = "billing"
  name        = "invoice.fetch"
  http_method = "GET"
  http_path   = "/v1/invoices/{number}"
}`, capDefaultRules, ""), "crank_capability.create.capability]", "crank_capability.create.capability, crank_capability.read_again.capability]", 1),
			[]string{"Conflicting capability routes", "invoice.fetch"}},
		{"bad route on the capability resource", capBase + `
resource "crank_capability" "bad" {
  service     = "billing"
  name        = "invoice.bad"
  http_method = "GET"
  http_path   = "v1/no-leading-slash"
}`, []string{"Invalid capability policy value", "http_path"}},
		{"failing inline test", capConfig("", capDefaultRules, capPassingTests+`
  test {
    caller     = "worker"
    capability = "invoice.create"
    expect     = "allow"
  }`),
			[]string{"Capability policy test failed", `test 3: spiffe://example.org/worker calling "invoice.create" is deny (default), but the test expects allow.`}},
		{"failing inline test on the reason", capConfig("", capDefaultRules, `
  test {
    caller     = "api-gateway"
    capability = "invoice.read"
    expect     = "allow"
    reason     = "default"
  }`),
			[]string{"Capability policy test failed", `test 1: spiffe://example.org/api-gateway calling "invoice.read" is allow (matched_allow, rules gateway), but the test expects allow (default).`}},
		{"no trust domain anywhere", strings.Replace(capConfig("", capDefaultRules, ""), `trust_domain = "example.org"`, "", 1),
			[]string{"No trust domain", "Set trust_domain here or in the provider block"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccFactories,
				Steps: []resource.TestStep{{
					Config:      tc.config,
					PlanOnly:    true,
					ExpectError: capErrorPattern(tc.want...),
				}},
			})
		})
	}
}

// capErrorPattern matches the fragments in order, whatever line wrapping
// the CLI applies to diagnostics.
func capErrorPattern(fragments ...string) *regexp.Regexp {
	parts := make([]string, len(fragments))
	for i, f := range fragments {
		words := strings.Fields(f)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

// capIssuerConfig applies a CA limited to example.org first, so its issuer
// is known when the policy is planned against it.
const capIssuerConfig = `
resource "crank_ca" "root" {
  subject  = { common_name = "CAP Root" }
  validity = "8760h"
}
resource "crank_ca" "services" {
  parent           = crank_ca.root.issuer
  subject          = { common_name = "CAP Services" }
  validity         = "4380h"
  name_constraints = { permitted_uri_domains = ["example.org"] }
}
`

func TestAccCapPolicy_issuerTrustDomain(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: capConfig(capIssuerConfig, capDefaultRules, `issuer = crank_ca.services.issuer`),
				Check:  resource.TestCheckResourceAttrSet("crank_cap_policy.billing", "bundle_digest"),
			},
			{
				Config: capConfig(capIssuerConfig, capDefaultRules, `
  issuer       = crank_ca.services.issuer
  trust_domain = "staging.example.org"
`),
				PlanOnly:    true,
				ExpectError: capErrorPattern("Trust domain mismatch", "trust_domain = ", `trust domain "staging.example.org" cannot be issued by the issuing CA`, "not inside the name constraints", "[trust_domain_mismatch]"),
			},
		},
	})
}

// capWarningsConfig triggers every analysis warning; warnings do not stop
// the plan, and the warnings attribute lists them for checks.
const capWarningsConfig = capBase + `
resource "crank_capability" "void" {
  service = "billing"
  name    = "invoice.void"
}
resource "crank_cap_policy" "billing" {
  service      = "billing"
  capabilities = [crank_capability.read.capability, crank_capability.create.capability, crank_capability.void.capability]
  rules = [
    crank_cap_rule.gateway.rule,
    { id = "gateway-again", service = "billing", action = "allow", callers = [{ service = "api-gateway" }], capabilities = ["invoice.read"] },
    { id = "deny-jobs-create", service = "billing", action = "deny", callers = [{ spiffe_prefix = "spiffe://example.org/jobs" }], capabilities = ["invoice.create"] },
    { id = "nightly-create", service = "billing", action = "allow", callers = [{ spiffe_id = "spiffe://example.org/jobs/nightly" }], capabilities = ["invoice.create"] },
    { id = "batch", service = "billing", action = "allow", callers = [{ spiffe_prefix = "spiffe://example.org/batch" }], capabilities = ["invoice.read", "invoice.create"] },
    { id = "deny-legacy", service = "billing", action = "deny", callers = [{ spiffe_id = "spiffe://example.org/batch/legacy" }], capabilities = ["invoice.create"] },
    { id = "everyone-dry-run", service = "billing", action = "allow", mode = "dry_run", callers = [{ trust_domain = "example.org" }], capabilities = ["*"] },
  ]
}
resource "crank_cap_policy" "open" {
  service        = "billing"
  default_action = "allow"
  capabilities   = [crank_capability.read.capability]
}
`

func TestAccCapPolicy_planWarnings(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{{
			Config: capWarningsConfig,
			Check: resource.ComposeAggregateTestCheckFunc(
				checkCapWarnings("crank_cap_policy.billing", [][2]string{
					{cap.CodeRedundantAllow, `allow rule "gateway-again" adds nothing: allow rule(s) "gateway" already grant`},
					{cap.CodeShadowedAllow, `allow rule "nightly-create" never takes effect: deny rule(s) "deny-jobs-create"`},
					{cap.CodePartialOverlap, `"batch" and deny rule "deny-legacy" overlap on caller spiffe://example.org/batch/legacy on invoice.create`},
					{cap.CodeBroadGrant, `grants every workload of trust domain "example.org"`},
					{cap.CodeBroadGrant, `grants "*": every capability of "billing"`},
					{cap.CodeUnreachableCapability, `no caller can use capability "invoice.void"`},
				}),
				checkCapWarnings("crank_cap_policy.open", [][2]string{
					{cap.CodeDefaultAllow, "default_action is allow"},
				}),
			),
		}},
	})
}

// checkCapWarnings requires a warning of each code whose message contains
// the given text.
func checkCapWarnings(addr string, want [][2]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		var got []string
		for i := 0; ; i++ {
			code, ok := rs.Primary.Attributes[fmt.Sprintf("warnings.%d.code", i)]
			if !ok {
				break
			}
			got = append(got, code+": "+rs.Primary.Attributes[fmt.Sprintf("warnings.%d.message", i)])
		}
		for _, w := range want {
			code, text := w[0], w[1]
			if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, code+": ") && strings.Contains(g, text) }) {
				return fmt.Errorf("%s: no %s warning containing %q; warnings:\n%s", addr, code, text, strings.Join(got, "\n"))
			}
		}
		return nil
	}
}

// TestCapDiagnosticMapping checks what the plan shows for cap findings:
// severity kept, and the bundle path turned into the attribute path of the
// resource, with callers back in configuration order.
func TestCapDiagnosticMapping(t *testing.T) {
	callers := []cap.Caller{{SPIFFEID: "spiffe://example.org/jobs/../x"}, {Service: "worker"}}
	paths := capPolicyPaths{
		capabilities: map[string]int{"invoice.read": 1},
		rules:        map[string]int{"gw": 3},
		callerOrders: map[string][]int{"gw": capCallerOrder(callers)},
		ruleIDsSet:   true,
	}
	cases := []struct {
		in       cap.Diagnostic
		severity diag.Severity
		at       path.Path
	}{
		// cap sorts callers ("service:worker" before "spiffe_id:..."), so its
		// positions are swapped relative to the configuration.
		{cap.Diagnostic{Severity: cap.SeverityError, Code: cap.CodeInvalidSPIFFEID, Path: `rules["gw"].callers[1].spiffe_id`},
			diag.SeverityError, path.Root("rules").AtListIndex(3).AtName("callers").AtListIndex(0).AtName("spiffe_id")},
		{cap.Diagnostic{Severity: cap.SeverityError, Code: cap.CodeUnknownService, Path: `rules["gw"].callers[0].service`},
			diag.SeverityError, path.Root("rules").AtListIndex(3).AtName("callers").AtListIndex(1).AtName("service")},
		{cap.Diagnostic{Severity: cap.SeverityWarning, Code: cap.CodeShadowedAllow, Path: `rules["gw"]`},
			diag.SeverityWarning, path.Root("rules").AtListIndex(3)},
		{cap.Diagnostic{Severity: cap.SeverityWarning, Code: cap.CodeUnreachableCapability, Path: `capabilities["invoice.read"]`},
			diag.SeverityWarning, path.Root("capabilities").AtListIndex(1)},
		{cap.Diagnostic{Severity: cap.SeverityError, Code: cap.CodeConflictingRoutes, Path: `capabilities["invoice.read"].http_path`},
			diag.SeverityError, path.Root("capabilities").AtListIndex(1).AtName("http_path")},
		{cap.Diagnostic{Severity: cap.SeverityError, Code: cap.CodeUnresolvedRuleID, Path: `rule_ids[2]`},
			diag.SeverityError, path.Root("rule_ids").AtListIndex(2)},
		{cap.Diagnostic{Severity: cap.SeverityWarning, Code: cap.CodeDefaultAllow, Path: `default_action`},
			diag.SeverityWarning, path.Root("default_action")},
		{cap.Diagnostic{Severity: cap.SeverityError, Code: cap.CodeDuplicateID, Path: `rules[4].id`},
			diag.SeverityError, path.Root("rules").AtListIndex(4).AtName("id")},
	}
	for _, tc := range cases {
		tc.in.Message = "what and how to fix"
		got := capDiagnostic(tc.in, paths)
		withPath, ok := got.(diag.DiagnosticWithPath)
		if !ok || got.Severity() != tc.severity || !withPath.Path().Equal(tc.at) {
			t.Errorf("%s at %s: got %v %v, want %v %v", tc.in.Code, tc.in.Path, got.Severity(), got, tc.severity, tc.at)
			continue
		}
		if got.Summary() != capDiagSummaries[tc.in.Code] || !strings.Contains(got.Detail(), "what and how to fix ["+tc.in.Code+"]") {
			t.Errorf("%s: summary %q detail %q", tc.in.Code, got.Summary(), got.Detail())
		}
	}
	for code := range capDiagSummaries {
		if code == "" {
			t.Error("empty code in capDiagSummaries")
		}
	}
}

func TestParseCapPath(t *testing.T) {
	steps, ok := parseCapPath(`rules["a.b[\"c\"]"].callers[12].spiffe_id`)
	if !ok || len(steps) != 3 || steps[0].key != `a.b["c"]` || steps[1].index != 12 || !steps[1].hasIndex || steps[2].name != "spiffe_id" {
		t.Fatalf("got %+v %v", steps, ok)
	}
	for _, bad := range []string{"", ".x", "rules[", `rules["x"`, "rules[x]", "a..b", "a."} {
		if _, ok := parseCapPath(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}
