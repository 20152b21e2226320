package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var _ function.Function = (*parseCertificateFunction)(nil)

var errNoCertificate = errors.New("no PEM \"CERTIFICATE\" block found")

type parseCertificateFunction struct{}

// NewParseCertificateFunction is the parse_certificate function factory.
func NewParseCertificateFunction() function.Function { return &parseCertificateFunction{} }

func (f *parseCertificateFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_certificate"
}

func (f *parseCertificateFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary:             "Parse a PEM certificate",
		MarkdownDescription: "Returns the facts of the first certificate in a PEM string: subject, SANs, SPIFFE ID, validity, CA flag, key identifiers and fingerprints.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "pem", MarkdownDescription: "A PEM string holding at least one CERTIFICATE block."},
		},
		Return: function.ObjectReturn{AttributeTypes: certInfoAttrTypes()},
	}
}

func (f *parseCertificateFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var pemValue string
	resp.Error = req.Arguments.Get(ctx, &pemValue)
	if resp.Error != nil {
		return
	}
	cert, err := pki.ParseCertPEM(pemValue)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "pem: "+err.Error()+"; pass a PEM block that starts with \"-----BEGIN CERTIFICATE-----\"")
		return
	}
	obj, diags := types.ObjectValue(certInfoAttrTypes(), certInfoValues(pki.Describe(cert)))
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = resp.Result.Set(ctx, obj)
}
