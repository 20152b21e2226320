package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var _ datasource.DataSourceWithConfigure = (*certificateDataSource)(nil)

type certificateDataSource struct{ data *providerData }

// NewCertificateDataSource is the crank_certificate data source factory.
func NewCertificateDataSource() datasource.DataSource { return &certificateDataSource{} }

func (d *certificateDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_certificate"
}

func (d *certificateDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	if p, ok := req.ProviderData.(*providerData); ok {
		d.data = p
	}
}

func (d *certificateDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"pem":               schema.StringAttribute{Required: true, MarkdownDescription: "PEM certificate to inspect. When it holds several certificates, the first is described and the rest serve as intermediates."},
		"ca_bundle_pem":     schema.StringAttribute{Optional: true, MarkdownDescription: "Trusted roots to verify against. When unset, `verified` is null."},
		"intermediates_pem": schema.StringAttribute{Optional: true, MarkdownDescription: "Extra untrusted intermediates for path building."},
		"verified":          schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the certificate chains to `ca_bundle_pem` now (name constraints, validity and path length included)."},
		"verify_reason":     schema.StringAttribute{Computed: true, MarkdownDescription: "`ok`, or why verification failed."},
	}
	for _, f := range certInfoFields {
		switch t := f.typ.(type) {
		case types.ListType:
			attrs[f.name] = schema.ListAttribute{Computed: true, ElementType: t.ElemType, MarkdownDescription: f.desc}
		default:
			if f.typ == types.BoolType {
				attrs[f.name] = schema.BoolAttribute{Computed: true, MarkdownDescription: f.desc}
			} else {
				attrs[f.name] = schema.StringAttribute{Computed: true, MarkdownDescription: f.desc}
			}
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Parses any PEM certificate: subject, SANs, SPIFFE ID, validity, CA flag, fingerprints, and whether it verifies against a given CA bundle.",
		Attributes:          attrs,
	}
}

func (d *certificateDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var pemValue, bundle, inters types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("pem"), &pemValue)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("ca_bundle_pem"), &bundle)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("intermediates_pem"), &inters)...)
	if resp.Diagnostics.HasError() {
		return
	}
	certs, err := pki.ParseCertsPEM(pemValue.ValueString())
	if err == nil && len(certs) == 0 {
		err = errNoCertificate
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("pem"), "Invalid certificate", err.Error()+". Pass a PEM block that starts with -----BEGIN CERTIFICATE-----.")
		return
	}
	for name, v := range certInfoValues(pki.Describe(certs[0])) {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("pem"), pemValue)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ca_bundle_pem"), bundle)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("intermediates_pem"), inters)...)
	verified, reason := types.BoolNull(), types.StringNull()
	if knownString(bundle) {
		chainPEM := pki.EncodeCertsPEM(certs[1:]...) + inters.ValueString()
		res := pki.VerifyChain(pki.EncodeCertsPEM(certs[0]), chainPEM, bundle.ValueString(), d.data.now())
		verified, reason = types.BoolValue(res.Valid), types.StringValue(res.Reason)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("verified"), verified)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("verify_reason"), reason)...)
}
