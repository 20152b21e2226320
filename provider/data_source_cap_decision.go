package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSource = (*capDecisionDataSource)(nil)

type capDecisionDataSource struct{}

// NewCapDecisionDataSource is the crank_cap_decision data source factory.
func NewCapDecisionDataSource() datasource.DataSource { return &capDecisionDataSource{} }

func (d *capDecisionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cap_decision"
}

func (d *capDecisionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"bundle_json":      schema.StringAttribute{Required: true, MarkdownDescription: "A capability bundle, usually `crank_cap_policy.<name>.bundle_json`."},
		"caller_spiffe_id": schema.StringAttribute{Required: true, MarkdownDescription: "Caller SPIFFE ID. A malformed ID is decided as `deny`/`no_identity`, as at run time."},
	}
	for _, f := range capDecisionFields {
		switch t := f.typ.(type) {
		case types.ListType:
			attrs[f.name] = schema.ListAttribute{Computed: true, ElementType: t.ElemType, MarkdownDescription: f.desc}
		case types.ObjectType:
			attrs[f.name] = schema.ObjectAttribute{Computed: true, AttributeTypes: t.AttrTypes, MarkdownDescription: f.desc}
		default:
			attrs[f.name] = schema.StringAttribute{Computed: true, MarkdownDescription: f.desc}
		}
	}
	attrs["capability"] = schema.StringAttribute{Required: true, MarkdownDescription: "Capability name, for example `invoice.read`."}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The decision record of the `cap_decide` function, for CLIs without provider functions (Terraform before 1.8). " +
			"Same evaluator as services run; rate limits start full, so it is never `rate_limited`.",
		Attributes: attrs,
	}
}

func (d *capDecisionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var bundleJSON, caller, capability types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("bundle_json"), &bundleJSON)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("caller_spiffe_id"), &caller)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("capability"), &capability)...)
	if resp.Diagnostics.HasError() {
		return
	}
	decision, err := capDecide(bundleJSON.ValueString(), caller.ValueString(), capability.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("bundle_json"), "Invalid capability bundle", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("bundle_json"), bundleJSON)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("caller_spiffe_id"), caller)...)
	for name, v := range capDecisionValues(decision) {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
}
