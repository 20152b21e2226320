package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ function.Function = (*capDecideFunction)(nil)

type capDecideFunction struct{}

// NewCapDecideFunction is the cap_decide function factory.
func NewCapDecideFunction() function.Function { return &capDecideFunction{} }

func (f *capDecideFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "cap_decide"
}

func (f *capDecideFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Decide a capability request against a policy bundle",
		MarkdownDescription: "Returns the decision record a service running the bundle would produce for this caller and capability — the same `cap` evaluator, so plan and run time never disagree. " +
			"Usable in `check` blocks, preconditions and outputs. Rate limits start full, so one call is never `rate_limited`.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "bundle_json", MarkdownDescription: "A capability bundle, usually `crank_cap_policy.<name>.bundle_json`."},
			function.StringParameter{Name: "caller_spiffe_id", MarkdownDescription: "Caller SPIFFE ID, for example `spiffe://prod.example.org/api-gateway`. A malformed ID is decided as `deny`/`no_identity`, as at run time."},
			function.StringParameter{Name: "capability", MarkdownDescription: "Capability name, for example `invoice.read`."},
		},
		Return: function.ObjectReturn{AttributeTypes: capDecisionAttrTypes()},
	}
}

func (f *capDecideFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var bundleJSON, caller, capability string
	resp.Error = req.Arguments.Get(ctx, &bundleJSON, &caller, &capability)
	if resp.Error != nil {
		return
	}
	decision, err := capDecide(bundleJSON, caller, capability)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "bundle_json: "+err.Error())
		return
	}
	obj, diags := types.ObjectValue(capDecisionAttrTypes(), capDecisionValues(decision))
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = resp.Result.Set(ctx, obj)
}
