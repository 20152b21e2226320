package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var _ function.Function = (*verifyChainFunction)(nil)

type verifyChainFunction struct{}

// NewVerifyChainFunction is the verify_chain function factory.
func NewVerifyChainFunction() function.Function { return &verifyChainFunction{} }

func (f *verifyChainFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "verify_chain"
}

var verifyResultTypes = map[string]attr.Type{"valid": types.BoolType, "reason": types.StringType}

func (f *verifyChainFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Verify a certificate chain",
		MarkdownDescription: "Verifies a leaf against trusted roots with optional intermediates, at the current time, checking signatures, validity, path length and name constraints. " +
			"Returns an object with `valid` (bool) and `reason` (`ok` or why it failed); it does not fail the run, so use it in `check` blocks and conditions.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "leaf_pem", MarkdownDescription: "The certificate to verify (the first CERTIFICATE block is used)."},
			function.StringParameter{Name: "intermediates_pem", MarkdownDescription: "Untrusted intermediates, may be empty."},
			function.StringParameter{Name: "roots_pem", MarkdownDescription: "Trusted root certificates."},
		},
		Return: function.ObjectReturn{AttributeTypes: verifyResultTypes},
	}
}

func (f *verifyChainFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var leaf, inters, roots string
	resp.Error = req.Arguments.Get(ctx, &leaf, &inters, &roots)
	if resp.Error != nil {
		return
	}
	res := pki.VerifyChain(leaf, inters, roots, time.Now())
	obj, diags := types.ObjectValue(verifyResultTypes, map[string]attr.Value{"valid": types.BoolValue(res.Valid), "reason": types.StringValue(res.Reason)})
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = resp.Result.Set(ctx, obj)
}
