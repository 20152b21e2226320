package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var _ function.Function = (*spiffeIDFunction)(nil)

type spiffeIDFunction struct{}

// NewSPIFFEIDFunction is the spiffe_id function factory.
func NewSPIFFEIDFunction() function.Function { return &spiffeIDFunction{} }

func (f *spiffeIDFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "spiffe_id"
}

func (f *spiffeIDFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary:             "Build and validate a SPIFFE ID",
		MarkdownDescription: "Returns `spiffe://<trust_domain>/<service>` after checking it against the SPIFFE ID rules; the same ID `crank_certificate` writes.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "trust_domain", MarkdownDescription: "Trust domain, for example `prod.example.org`."},
			function.StringParameter{Name: "service", MarkdownDescription: "Service path, for example `billing` or `payments/billing`."},
		},
		Return: function.StringReturn{},
	}
}

func (f *spiffeIDFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var td, service string
	resp.Error = req.Arguments.Get(ctx, &td, &service)
	if resp.Error != nil {
		return
	}
	if err := pki.ValidateTrustDomain(td); err != nil {
		resp.Error = function.NewArgumentFuncError(0, "trust_domain: "+err.Error())
		return
	}
	id, err := pki.ServiceSPIFFEID(td, service)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, "service: "+err.Error()+". Use letters, digits, '.', '-', '_' and '/' between segments.")
		return
	}
	resp.Error = resp.Result.Set(ctx, id.String())
}
