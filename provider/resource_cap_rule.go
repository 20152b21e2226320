package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/crank-platform/terraform-provider-crank/cap"
)

var (
	_ resource.Resource               = (*capRuleResource)(nil)
	_ resource.ResourceWithConfigure  = (*capRuleResource)(nil)
	_ resource.ResourceWithModifyPlan = (*capRuleResource)(nil)
)

type capRuleResource struct{ data *providerData }

// NewCapRuleResource is the crank_cap_rule resource factory.
func NewCapRuleResource() resource.Resource { return &capRuleResource{} }

type capRuleModel struct {
	ID           types.String `tfsdk:"id"`
	Service      types.String `tfsdk:"service"`
	Action       types.String `tfsdk:"action"`
	Mode         types.String `tfsdk:"mode"`
	Callers      types.List   `tfsdk:"callers"`
	Capabilities types.List   `tfsdk:"capabilities"`
	RateLimit    types.Object `tfsdk:"rate_limit"`
	Rule         types.Object `tfsdk:"rule"`
}

func (r *capRuleResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cap_rule"
}

func (r *capRuleResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if d, ok := req.ProviderData.(*providerData); ok {
		r.data = d
	}
}

func (r *capRuleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attributes := capRuleAttributes(true)
	attributes["rule"] = schema.ObjectAttribute{
		Computed: true, AttributeTypes: capRuleAttrTypes,
		MarkdownDescription: "The rule as an object, known at plan time: put it in the destination's `crank_cap_policy.rules`.",
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One allow or deny rule for a destination service's capabilities. Any module may own it — a caller's module can declare what it needs — " +
			"and the destination's `crank_cap_policy` collects it through `rules` (and, if it pins them, `rule_ids`).\n\n" +
			"Rules have no order and no priority: any enforced deny that matches wins, else any enforced allow, else the policy's default.",
		Attributes: attributes,
	}
}

func (m *capRuleModel) fill(ctx context.Context) diag.Diagnostics {
	if !fullyKnown(ctx, m.ID, m.Service, m.Action, m.Mode, m.Callers, m.Capabilities, m.RateLimit) {
		m.Rule = types.ObjectUnknown(capRuleAttrTypes)
		return nil
	}
	rateLimit := m.RateLimit
	if rateLimit.IsNull() {
		rateLimit = types.ObjectNull(capRateLimitAttrTypes)
	}
	object, diags := types.ObjectValue(capRuleAttrTypes, map[string]attr.Value{
		"id":           m.ID,
		"service":      m.Service,
		"action":       m.Action,
		"mode":         m.Mode,
		"callers":      m.Callers,
		"capabilities": m.Capabilities,
		"rate_limit":   rateLimit,
	})
	m.Rule = object
	return diags
}

// decoded returns the rule in plain form; call it only once fill found
// every input known.
func (m *capRuleModel) decoded(ctx context.Context) (capRuleObject, diag.Diagnostics) {
	var rule capRuleObject
	diags := m.Rule.As(ctx, &rule, basetypes.ObjectAsOptions{})
	return rule, diags
}

// check runs cap's rule checks (SPIFFE syntax, rate limit on deny, "*"
// alone) on a one-rule policy, so a bad rule fails in the module that owns
// it. What needs the destination's policy (its capabilities, its trust
// domain, the other rules) is left to crank_cap_policy.
func (r *capRuleResource) check(ctx context.Context, m *capRuleModel) diag.Diagnostics {
	rule, diags := m.decoded(ctx)
	if diags.HasError() {
		return diags
	}
	plain := rule.toCap()
	probe := cap.Policy{Service: rule.Service.ValueString(), TrustDomain: r.probeTrustDomain(plain), Rules: []cap.Rule{plain}}
	for _, name := range plain.Capabilities {
		if name != cap.AllCapabilities && name != "" {
			probe.Capabilities = append(probe.Capabilities, cap.Capability{Name: name})
		}
	}
	var own cap.Diagnostics
	for _, d := range cap.Analyze(probe, cap.Environment{}).Errors() {
		switch d.Code {
		case cap.CodeUnknownCapability, cap.CodeUnknownService, cap.CodeTrustDomainMismatch:
			continue
		}
		if steps, ok := parseCapPath(d.Path); ok && steps[0].name != "capabilities" {
			own = append(own, d)
		}
	}
	return capDiagnostics(own, capRuleSelfPaths{callerOrder: capCallerOrder(plain.Callers)})
}

// probeTrustDomain picks a trust domain for the one-rule check; which one
// does not matter because mismatches are the policy's to report.
func (r *capRuleResource) probeTrustDomain(rule cap.Rule) string {
	if r.data != nil && r.data.trustDomain != "" {
		return r.data.trustDomain
	}
	for _, c := range rule.Callers {
		for _, s := range []string{c.SPIFFEID, c.SPIFFEPrefix} {
			if id, err := cap.ParseSPIFFEID(s); err == nil {
				return id.TrustDomain
			}
		}
		if cap.ValidateTrustDomain(c.TrustDomain) == nil {
			return c.TrustDomain
		}
	}
	return "example.org"
}

// capRuleSelfPaths maps `rules["id"].callers[0].spiffe_id` onto this
// resource's top-level attributes.
type capRuleSelfPaths struct{ callerOrder []int }

func (p capRuleSelfPaths) attributePath(capPath string) path.Path {
	steps, ok := parseCapPath(capPath)
	if !ok {
		return path.Root("id")
	}
	if steps[0].name != "rules" {
		return path.Root(steps[0].name)
	}
	if len(steps) < 2 {
		return path.Root("id")
	}
	return appendCapSteps(path.Empty(), steps[1:], p.callerOrder)
}

func (r *capRuleResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan capRuleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(plan.fill(ctx)...)
	if !plan.Rule.IsUnknown() {
		resp.Diagnostics.Append(r.check(ctx, &plan)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *capRuleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.Diagnostics.Append(r.store(ctx, req.Plan, &resp.State)...)
}

// store is Create and Update alike: the state is derived from the plan alone.
func (r *capRuleResource) store(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State) diag.Diagnostics {
	var m capRuleModel
	diags := plan.Get(ctx, &m)
	if diags.HasError() {
		return diags
	}
	diags.Append(m.fill(ctx)...)
	diags.Append(r.check(ctx, &m)...)
	if diags.HasError() {
		return diags
	}
	return append(diags, state.Set(ctx, &m)...)
}

// Read has nothing remote to refresh: the rule lives in state only.
// The framework hands the prior state back unchanged when Read sets
// nothing, which keeps refreshes of large configurations cheap.
func (r *capRuleResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *capRuleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.Append(r.store(ctx, req.Plan, &resp.State)...)
}

func (r *capRuleResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
