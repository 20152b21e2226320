package provider

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/vault"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var _ datasource.DataSource = (*vaultCRLDataSource)(nil)

// Vault signs its own CRL (crank cannot: the CA key is in Vault), so the
// CRL of a Vault issuer is read, not made: a data source over the handle.
type vaultCRLDataSource struct{}

// NewVaultCRLDataSource is the crank_vault_crl data source factory.
func NewVaultCRLDataSource() datasource.DataSource { return &vaultCRLDataSource{} }

type vaultCRLModel struct {
	Issuer         types.String   `tfsdk:"issuer"`
	CRLPEM         types.String   `tfsdk:"crl_pem"`
	CRLDERBase64   types.String   `tfsdk:"crl_der_base64"`
	CRLNumber      types.String   `tfsdk:"crl_number"`
	ThisUpdate     types.String   `tfsdk:"this_update"`
	NextUpdate     types.String   `tfsdk:"next_update"`
	RevokedSerials []types.String `tfsdk:"revoked_serials"`
}

func (d *vaultCRLDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_vault_crl"
}

func (d *vaultCRLDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The CRL that Vault signs for the issuer of a `crank_vault_issuer` handle (`<mount>/issuer/<id>/crl`), checked against the issuer's certificate. " +
			"Certificates of that handle are revoked through Vault (`revoke_on_destroy`), and this is where the revocations show. Vault rebuilds the CRL on every revocation unless its `auto_rebuild` is on, in which case it lags by the mount's `auto_rebuild_grace_period`.",
		Attributes: map[string]schema.Attribute{
			"issuer":          schema.StringAttribute{Required: true, MarkdownDescription: "The `issuer` attribute of a `crank_vault_issuer`."},
			"crl_pem":         computed("The CRL, PEM (`X509 CRL`)."),
			"crl_der_base64":  computed("The CRL, base64 DER."),
			"crl_number":      computed("The CRL number, decimal."),
			"this_update":     computed("When Vault signed it, RFC 3339."),
			"next_update":     computed("When Vault promises the next one, RFC 3339."),
			"revoked_serials": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Serial numbers on the CRL, colon-separated hex as `crank_certificate.serial` prints them."},
		},
	}
}

func (d *vaultCRLDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m vaultCRLModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	h, err := issuer.Decode(m.Issuer.ValueString())
	if err == nil && h.Backend != vault.Name {
		err = errors.New("it is the handle of a \"" + h.Backend + "\" issuer; crank_vault_crl reads Vault's CRL, and a crank_ca's CRL is a crank_crl")
	}
	var o vault.Options
	if err == nil {
		err = issuer.DecodeOptions(vault.Name, h.Options, &o)
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("issuer"), "Not a Vault issuer handle", err.Error()+". Set issuer to a crank_vault_issuer's issuer attribute.")
		return
	}
	c, err := vault.NewClient(ctx, vault.Config{Address: o.Address, CACertPEM: o.CACertPEM, Namespace: o.Namespace, AuthMethod: o.AuthMethod, AppRoleMount: o.AppRoleMount, Getenv: backendEnv})
	var crlErr error
	if err == nil {
		crl, e := c.CRL(ctx, o.Mount, o.IssuerID)
		if e == nil {
			m.CRLPEM = types.StringValue(string(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: crl.Raw})))
			m.CRLDERBase64 = types.StringValue(base64.StdEncoding.EncodeToString(crl.Raw))
			m.CRLNumber = types.StringValue(crl.Number.String())
			m.ThisUpdate = types.StringValue(rfc3339(crl.ThisUpdate))
			m.NextUpdate = types.StringValue(rfc3339(crl.NextUpdate))
			m.RevokedSerials = []types.String{}
			for _, e := range crl.RevokedCertificateEntries {
				m.RevokedSerials = append(m.RevokedSerials, types.StringValue(pki.FormatSerial(e.SerialNumber)))
			}
		}
		crlErr = e
	} else {
		crlErr = err
	}
	if crlErr != nil {
		_, summary := vaultDiag(crlErr, "Could not read Vault's CRL")
		resp.Diagnostics.AddAttributeError(path.Root("issuer"), summary, crlErr.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
