package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/cap"
)

// capDecisionFields describes the decision record shared by the cap_decide
// function and the crank_cap_decision data source: the same names the
// run-time 403/429 body uses.
var capDecisionFields = []struct {
	name, desc string
	typ        attr.Type
}{
	{"decision", "`allow` or `deny`.", types.StringType},
	{"reason", "Why: " + strings.Join(backticked(cap.Reasons()), ", ") + ". A default deny is `default`, never blank.", types.StringType},
	{"rule_ids", "The rules that produced the decision: every matching deny, every matching allow, or the rate-limiting rule; empty for `default`, `unknown_capability` and `no_identity`.", types.ListType{ElemType: types.StringType}},
	{"shadow", "What the decision would be with every `dry_run` rule enforced and `audit` turned into `enforce`: `{decision, reason, rule_ids}`.", types.ObjectType{AttrTypes: capOutcomeAttrTypes}},
	{"caller", "The caller SPIFFE ID decided on.", types.StringType},
	{"capability", "The capability decided on.", types.StringType},
	{"service", "The destination service of the bundle.", types.StringType},
	{"enforcement", "The bundle's enforcement, `enforce` or `audit`.", types.StringType},
	{"bundle_digest", "`sha256:<hex>` of the bundle, as services report it.", types.StringType},
}

var capOutcomeAttrTypes = map[string]attr.Type{
	"decision": types.StringType,
	"reason":   types.StringType,
	"rule_ids": types.ListType{ElemType: types.StringType},
}

func capDecisionAttrTypes() map[string]attr.Type {
	out := make(map[string]attr.Type, len(capDecisionFields))
	for _, f := range capDecisionFields {
		out[f.name] = f.typ
	}
	return out
}

func capOutcomeValue(o cap.Outcome) attr.Value {
	return types.ObjectValueMust(capOutcomeAttrTypes, map[string]attr.Value{
		"decision": types.StringValue(string(o.Decision)),
		"reason":   types.StringValue(string(o.Reason)),
		"rule_ids": stringListValue(o.RuleIDs),
	})
}

func capDecisionValues(d cap.Decision) map[string]attr.Value {
	return map[string]attr.Value{
		"decision":      types.StringValue(string(d.Decision)),
		"reason":        types.StringValue(string(d.Reason)),
		"rule_ids":      stringListValue(d.RuleIDs),
		"shadow":        capOutcomeValue(d.Shadow),
		"caller":        types.StringValue(d.Caller),
		"capability":    types.StringValue(d.Capability),
		"service":       types.StringValue(d.Service),
		"enforcement":   types.StringValue(string(d.Enforcement)),
		"bundle_digest": types.StringValue(d.BundleDigest),
	}
}

// capDecide loads and compiles the bundle exactly as a service does and
// decides once, with full rate-limit buckets.
func capDecide(bundleJSON, caller, capability string) (cap.Decision, error) {
	bundle, err := cap.Load([]byte(bundleJSON))
	if err != nil {
		return cap.Decision{}, fmt.Errorf("%w; pass the bundle_json of a crank_cap_policy", err)
	}
	evaluator, err := cap.Compile(bundle)
	if err != nil {
		return cap.Decision{}, err
	}
	return evaluator.Decide(caller, capability), nil
}
