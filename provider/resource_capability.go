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

	"github.com/crank-platform/terraform-provider-crank/cap"
)

var (
	_ resource.Resource               = (*capabilityResource)(nil)
	_ resource.ResourceWithModifyPlan = (*capabilityResource)(nil)
)

type capabilityResource struct{}

// NewCapabilityResource is the crank_capability resource factory.
func NewCapabilityResource() resource.Resource { return &capabilityResource{} }

type capabilityModel struct {
	ID         types.String `tfsdk:"id"`
	Service    types.String `tfsdk:"service"`
	Name       types.String `tfsdk:"name"`
	HTTPMethod types.String `tfsdk:"http_method"`
	HTTPPath   types.String `tfsdk:"http_path"`
	GRPCMethod types.String `tfsdk:"grpc_method"`
	Capability types.Object `tfsdk:"capability"`
}

func (r *capabilityResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_capability"
}

func (r *capabilityResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attributes := capCapabilityAttributes(true)
	attributes["id"] = schema.StringAttribute{Computed: true, MarkdownDescription: "`<service>/<name>`."}
	attributes["capability"] = schema.ObjectAttribute{
		Computed: true, AttributeTypes: capCapabilityAttrTypes,
		MarkdownDescription: "The capability as an object, known at plan time: put it in `crank_cap_policy.capabilities`.",
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One named operation a service exposes, such as `invoice.read`, optionally mapped to an HTTP route or a gRPC method so services can decide requests by it. " +
			"It lives only in state; collect `capability` into the service's `crank_cap_policy`.",
		Attributes: attributes,
	}
}

// fill derives the computed attributes from the inputs; plan and apply
// call it alike so the planned object is exactly what is stored.
func (m *capabilityModel) fill(ctx context.Context) diag.Diagnostics {
	if !fullyKnown(ctx, m.Service, m.Name, m.HTTPMethod, m.HTTPPath, m.GRPCMethod) {
		m.ID = types.StringUnknown()
		m.Capability = types.ObjectUnknown(capCapabilityAttrTypes)
		return nil
	}
	m.ID = types.StringValue(m.Service.ValueString() + "/" + m.Name.ValueString())
	object, diags := types.ObjectValue(capCapabilityAttrTypes, map[string]attr.Value{
		"service":     m.Service,
		"name":        m.Name,
		"http_method": m.HTTPMethod,
		"http_path":   m.HTTPPath,
		"grpc_method": m.GRPCMethod,
	})
	m.Capability = object
	return diags
}

// check runs cap's own capability checks (route syntax, method, gRPC name)
// on a one-capability policy, so a bad route fails on this resource and
// not only on the policy that collects it.
func (m *capabilityModel) check() diag.Diagnostics {
	c := capCapabilityObject{Service: m.Service, Name: m.Name, HTTPMethod: m.HTTPMethod, HTTPPath: m.HTTPPath, GRPCMethod: m.GRPCMethod}
	probe := cap.Policy{Service: m.Service.ValueString(), TrustDomain: "example.org", Capabilities: []cap.Capability{c.toCap()}}
	var own cap.Diagnostics
	for _, d := range cap.Analyze(probe, cap.Environment{}).Errors() {
		if steps, ok := parseCapPath(d.Path); ok && steps[0].name == "capabilities" {
			own = append(own, d)
		}
	}
	return capDiagnostics(own, capabilitySelfPaths{})
}

// capabilitySelfPaths maps `capabilities["x"].http_path` onto this
// resource's top-level attributes.
type capabilitySelfPaths struct{}

func (capabilitySelfPaths) attributePath(p string) path.Path {
	steps, ok := parseCapPath(p)
	if !ok || len(steps) < 2 {
		return path.Root("http_method")
	}
	return path.Root(steps[1].name)
}

func (r *capabilityResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan capabilityModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(plan.fill(ctx)...)
	if plan.ID.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	resp.Diagnostics.Append(plan.check()...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *capabilityResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.Diagnostics.Append(r.store(ctx, req.Plan, &resp.State)...)
}

// store is Create and Update alike: the state is derived from the plan alone.
func (r *capabilityResource) store(ctx context.Context, plan tfsdk.Plan, state *tfsdk.State) diag.Diagnostics {
	var m capabilityModel
	diags := plan.Get(ctx, &m)
	if diags.HasError() {
		return diags
	}
	diags.Append(m.fill(ctx)...)
	diags.Append(m.check()...)
	if diags.HasError() {
		return diags
	}
	return append(diags, state.Set(ctx, &m)...)
}

// Read has nothing remote to refresh: the capability lives in state only.
// The framework hands the prior state back unchanged when Read sets
// nothing, which keeps refreshes of large configurations cheap.
func (r *capabilityResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *capabilityResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.Append(r.store(ctx, req.Plan, &resp.State)...)
}

func (r *capabilityResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}
