package cap

import (
	"fmt"
	"slices"
	"strings"
)

// Action is what a rule or a default does with a matching request.
type Action string

const (
	ActionAllow Action = "allow"
	ActionDeny  Action = "deny"
)

// Actions lists the accepted actions, for validators and their docs.
func Actions() []string { return []string{string(ActionAllow), string(ActionDeny)} }

// Mode says whether a rule decides (enforce) or only feeds the shadow
// decision (dry_run).
type Mode string

const (
	ModeEnforce Mode = "enforce"
	ModeDryRun  Mode = "dry_run"
)

// Modes lists the accepted rule modes.
func Modes() []string { return []string{string(ModeEnforce), string(ModeDryRun)} }

// Enforcement is the policy-wide switch: audit turns every rule and the
// default into shadow-only, and the real decision becomes allow.
type Enforcement string

const (
	EnforcementEnforce Enforcement = "enforce"
	EnforcementAudit   Enforcement = "audit"
)

// Enforcements lists the accepted policy enforcement values.
func Enforcements() []string { return []string{string(EnforcementEnforce), string(EnforcementAudit)} }

// AllCapabilities is the capability wildcard a rule may use instead of names.
const AllCapabilities = "*"

// Capability is one named operation a service exposes. HTTPMethod and
// HTTPPath (a Go ServeMux path template such as "/v1/invoices/{id}") map HTTP
// requests to it; GRPCMethod ("/pkg.Service/Method") maps gRPC calls.
// Both mappings are optional: an unmapped capability can still be decided
// by name, e.g. by the cap_decide provider function.
type Capability struct {
	Name       string `json:"name"`
	HTTPMethod string `json:"http_method,omitempty"`
	HTTPPath   string `json:"http_path,omitempty"`
	GRPCMethod string `json:"grpc_method,omitempty"`
}

// Service is a destination service and the capabilities it exposes.
type Service struct {
	Name         string
	Capabilities []Capability
}

// Caller selects calling workloads. Exactly one field is set:
//   - Service: the exact ID spiffe://<policy trust domain>/<Service>
//   - SPIFFEID: one exact SPIFFE ID
//   - SPIFFEPrefix: every ID at or below this path, whole segments only
//   - TrustDomain: every ID in the trust domain
type Caller struct {
	Service      string `json:"service,omitempty"`
	SPIFFEID     string `json:"spiffe_id,omitempty"`
	SPIFFEPrefix string `json:"spiffe_prefix,omitempty"`
	TrustDomain  string `json:"trust_domain,omitempty"`
}

// String renders the caller the way diagnostics and docs name it,
// e.g. "service:api-gateway" or "spiffe_prefix:spiffe://example.org/jobs".
func (c Caller) String() string {
	var parts []string
	if c.Service != "" {
		parts = append(parts, "service:"+c.Service)
	}
	if c.SPIFFEID != "" {
		parts = append(parts, "spiffe_id:"+c.SPIFFEID)
	}
	if c.SPIFFEPrefix != "" {
		parts = append(parts, "spiffe_prefix:"+c.SPIFFEPrefix)
	}
	if c.TrustDomain != "" {
		parts = append(parts, "trust_domain:"+c.TrustDomain)
	}
	if len(parts) == 0 {
		return "(empty caller)"
	}
	return strings.Join(parts, "+")
}

// RateLimit is a token bucket per caller SPIFFE ID: RPS tokens per second,
// at most Burst at once. Only allow rules may carry one.
type RateLimit struct {
	RPS   float64 `json:"rps"`
	Burst int     `json:"burst"`
}

// Rule allows or denies callers the listed capabilities (names or "*").
// Rules have no order and no priority: see Evaluator for how they combine.
type Rule struct {
	ID           string     `json:"id"`
	Action       Action     `json:"action"`
	Mode         Mode       `json:"mode"`
	Callers      []Caller   `json:"callers"`
	Capabilities []string   `json:"capabilities"`
	RateLimit    *RateLimit `json:"rate_limit,omitempty"`
}

// Policy is everything a destination service needs to decide: it is the
// content of a bundle. TrustDomain resolves callers given as service names.
type Policy struct {
	Service       string       `json:"service"`
	TrustDomain   string       `json:"trust_domain"`
	DefaultAction Action       `json:"default_action"`
	Enforcement   Enforcement  `json:"enforcement"`
	Capabilities  []Capability `json:"capabilities"`
	Rules         []Rule       `json:"rules"`
}

// PolicySpec is a policy as declared by a crank_cap_policy resource: rules
// are referenced by ID and resolved against the rules that exist.
type PolicySpec struct {
	Service       string
	TrustDomain   string
	DefaultAction Action
	Enforcement   Enforcement
	RuleIDs       []string
}

// AssemblePolicy resolves spec.RuleIDs against available rules and takes the
// capabilities from service. Unresolved and duplicate IDs are reported as
// error diagnostics; the policy returned holds every rule that did resolve.
func AssemblePolicy(spec PolicySpec, service Service, available []Rule) (Policy, Diagnostics) {
	var diags Diagnostics
	byID := make(map[string]Rule, len(available))
	for _, rule := range available {
		if _, dup := byID[rule.ID]; dup {
			diags = append(diags, diagDuplicateRuleID(rule.ID, "rules"))
			continue
		}
		byID[rule.ID] = rule
	}
	if spec.Service != service.Name {
		diags = append(diags, Diagnostic{
			Severity: SeverityError, Code: CodeUnknownService, Path: "service",
			Message: fmt.Sprintf("policy is for service %q but the capabilities given belong to %q; pass the capabilities of the policy's own service", spec.Service, service.Name),
		})
	}
	policy := Policy{
		Service:       spec.Service,
		TrustDomain:   spec.TrustDomain,
		DefaultAction: spec.DefaultAction,
		Enforcement:   spec.Enforcement,
		Capabilities:  slices.Clone(service.Capabilities),
	}
	seen := make(map[string]bool, len(spec.RuleIDs))
	for i, id := range spec.RuleIDs {
		path := fmt.Sprintf("rule_ids[%d]", i)
		if seen[id] {
			diags = append(diags, diagDuplicateRuleID(id, path))
			continue
		}
		seen[id] = true
		rule, ok := byID[id]
		if !ok {
			diags = append(diags, Diagnostic{
				Severity: SeverityError, Code: CodeUnresolvedRuleID, Path: path, RuleIDs: []string{id},
				Message: fmt.Sprintf("rule ID %q does not name any crank_cap_rule; check the spelling or declare the rule", id),
			})
			continue
		}
		policy.Rules = append(policy.Rules, rule)
	}
	return policy, diags
}

// Normalized returns a copy with defaults filled in (mode enforce,
// default_action deny, enforcement enforce) and every list sorted, which is
// the canonical form bundles are written and digested in.
func (p Policy) Normalized() Policy {
	out := p
	if out.DefaultAction == "" {
		out.DefaultAction = ActionDeny
	}
	if out.Enforcement == "" {
		out.Enforcement = EnforcementEnforce
	}
	out.Capabilities = slices.Clone(p.Capabilities)
	slices.SortStableFunc(out.Capabilities, func(a, b Capability) int { return strings.Compare(a.Name, b.Name) })
	out.Rules = make([]Rule, len(p.Rules))
	for i, rule := range p.Rules {
		if rule.Mode == "" {
			rule.Mode = ModeEnforce
		}
		rule.Callers = append([]Caller{}, rule.Callers...)
		slices.SortStableFunc(rule.Callers, func(a, b Caller) int { return strings.Compare(a.String(), b.String()) })
		rule.Capabilities = append([]string{}, rule.Capabilities...)
		slices.Sort(rule.Capabilities)
		if rule.RateLimit != nil {
			limit := *rule.RateLimit
			rule.RateLimit = &limit
		}
		out.Rules[i] = rule
	}
	slices.SortStableFunc(out.Rules, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) })
	if out.Capabilities == nil {
		out.Capabilities = []Capability{}
	}
	return out
}
