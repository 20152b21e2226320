package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var _ datasource.DataSource = (*stepCAIssuerDataSource)(nil)

// A data source: the handle is what the CA says about itself now (root,
// intermediates, provisioner), read on every plan, so a rotated
// intermediate shows up as the certificates' issuer changing.
type stepCAIssuerDataSource struct{}

// NewStepCAIssuerDataSource is the crank_stepca_issuer data source factory.
func NewStepCAIssuerDataSource() datasource.DataSource { return &stepCAIssuerDataSource{} }

type stepCAIssuerModel struct {
	URL             types.String `tfsdk:"url"`
	RootFingerprint types.String `tfsdk:"root_fingerprint"`
	Provisioner     types.String `tfsdk:"provisioner_name"`
	RevokeOnDestroy types.Bool   `tfsdk:"revoke_on_destroy"`
	Issuer          types.String `tfsdk:"issuer"`
	RootPEM         types.String `tfsdk:"root_pem"`
	ChainPEM        types.String `tfsdk:"chain_pem"`
}

func (d *stepCAIssuerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_stepca_issuer"
}

func (d *stepCAIssuerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An `issuer` for `crank_certificate` backed by a [step-ca](https://smallstep.com/docs/step-ca/) online CA, through its native API: each certificate is a CSR sent with a one-time token signed by a JWK provisioner's key. " +
			"The root is pinned by `root_fingerprint` and every connection is verified against it. The provisioner password is never in configuration or state: set `" + stepca.PasswordEnv + "` wherever plan and apply run. " +
			"step-ca's default template writes both TLS usages, so certificates through it must keep `usages = [\"server\", \"client\"]` (the plan says so otherwise). Child CAs and CRLs need a CA whose key this provider holds, so they take a `crank_ca`.",
		Attributes: map[string]schema.Attribute{
			"url":              schema.StringAttribute{Required: true, MarkdownDescription: "Base URL of the CA, for example `https://ca.internal:9000`."},
			"root_fingerprint": schema.StringAttribute{Required: true, MarkdownDescription: "SHA-256 fingerprint of the CA's root certificate (hex, colons allowed), as `step certificate fingerprint root_ca.crt` prints it. A CA that serves another root is refused."},
			"provisioner_name": schema.StringAttribute{Required: true, MarkdownDescription: "Name of the JWK provisioner that authorizes the certificates."},
			"revoke_on_destroy": schema.BoolAttribute{Optional: true, MarkdownDescription: "Revoke each `crank_certificate` issued through this issuer at step-ca (`/1.0/revoke`, reason `cessationOfOperation`) when the certificate resource is destroyed or replaced (renewal, issuer change). " +
				"Off by default: revocation is permanent. It is recorded in the `issuer` handle, so it applies to a certificate from the apply after it was set; destroy then needs `" + stepca.PasswordEnv + "` and a reachable CA, and fails (keeping the certificate in state) otherwise."},
			"issuer":    schema.StringAttribute{Computed: true, MarkdownDescription: "Handle that `crank_certificate.issuer` takes. It holds the URL, the pinned root, the intermediates and the provisioner's name and key id; no key and no password."},
			"root_pem":  schema.StringAttribute{Computed: true, MarkdownDescription: "The pinned root certificate, PEM: what clients of certificates from this CA trust."},
			"chain_pem": schema.StringAttribute{Computed: true, MarkdownDescription: "The CA's intermediates, PEM."},
		},
	}
}

func (d *stepCAIssuerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m stepCAIssuerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	o, err := stepca.Bootstrap(ctx, m.URL.ValueString(), m.RootFingerprint.ValueString(), m.Provisioner.ValueString())
	if err != nil {
		attr, summary := path.Root("url"), "step-ca unusable"
		switch {
		case errors.Is(err, stepca.ErrUnreachable):
			summary = "step-ca unreachable"
		case errors.Is(err, stepca.ErrFingerprint):
			attr, summary = path.Root("root_fingerprint"), "step-ca root does not match the pinned fingerprint"
		case errors.Is(err, stepca.ErrNoProvisioner):
			attr, summary = path.Root("provisioner_name"), "step-ca provisioner not found"
		}
		resp.Diagnostics.AddAttributeError(attr, summary, err.Error())
		return
	}
	o.RevokeOnDestroy = m.RevokeOnDestroy.ValueBool()
	handle, err := stepca.Encode(o)
	if err != nil {
		resp.Diagnostics.AddError("Could not encode the issuer handle", err.Error())
		return
	}
	root, _ := stepca.RootOf(o)
	m.Issuer = types.StringValue(handle)
	m.RootPEM = types.StringValue(pki.EncodeCertsPEM(root))
	inter, _ := stepca.IntermediatesOf(o)
	m.ChainPEM = types.StringValue(pki.EncodeCertsPEM(inter...))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
