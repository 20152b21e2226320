package provider

import (
	"context"
	"crypto/x509"
	"errors"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer/vault"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var _ datasource.DataSource = (*vaultIssuerDataSource)(nil)

// A data source, as crank_stepca_issuer: the handle is what Vault says now
// (role settings, signing issuer and its chain, every issuer of the mount),
// read on every plan, so a rotated issuer or a changed role shows up in the
// same plan as the certificates it affects.
type vaultIssuerDataSource struct{}

// NewVaultIssuerDataSource is the crank_vault_issuer data source factory.
func NewVaultIssuerDataSource() datasource.DataSource { return &vaultIssuerDataSource{} }

type vaultIssuerModel struct {
	Address         types.String `tfsdk:"address"`
	CACertPEM       types.String `tfsdk:"ca_cert_pem"`
	Namespace       types.String `tfsdk:"namespace"`
	Mount           types.String `tfsdk:"mount"`
	Role            types.String `tfsdk:"role"`
	IssuerRef       types.String `tfsdk:"issuer_ref"`
	AuthMethod      types.String `tfsdk:"auth_method"`
	AppRoleMount    types.String `tfsdk:"approle_mount"`
	RevokeOnDestroy types.Bool   `tfsdk:"revoke_on_destroy"`

	Issuer         types.String       `tfsdk:"issuer"`
	IssuerID       types.String       `tfsdk:"issuer_id"`
	CertPEM        types.String       `tfsdk:"cert_pem"`
	RootPEM        types.String       `tfsdk:"root_pem"`
	ChainPEM       types.String       `tfsdk:"chain_pem"`
	TrustBundlePEM types.String       `tfsdk:"trust_bundle_pem"`
	Issuers        []vaultIssuerEntry `tfsdk:"issuers"`
}

type vaultIssuerEntry struct {
	ID        types.String `tfsdk:"issuer_id"`
	Name      types.String `tfsdk:"issuer_name"`
	IsDefault types.Bool   `tfsdk:"is_default"`
	CertPEM   types.String `tfsdk:"cert_pem"`
	NotAfter  types.String `tfsdk:"not_after"`
}

func (d *vaultIssuerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_vault_issuer"
}

// vaultConnectionAttributes are the attributes that say where Vault is and
// how to log in; the credentials themselves are in the provider's vault
// block or the environment.
func vaultConnectionAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"address":     schema.StringAttribute{Required: true, MarkdownDescription: "Vault's address, for example `https://vault.internal:8200`. The `VAULT_ADDR` variable is not read: the address is part of the handle."},
		"ca_cert_pem": schema.StringAttribute{Optional: true, MarkdownDescription: "PEM CA bundle that Vault's TLS certificate must chain to; the system roots when unset. A certificate that does not verify is an error: there is no way to skip verification (`VAULT_SKIP_VERIFY` is not read)."},
		"namespace":   schema.StringAttribute{Optional: true, MarkdownDescription: "Vault Enterprise namespace (`X-Vault-Namespace`) of the mount and of the auth method."},
		"auth_method": schema.StringAttribute{Optional: true, MarkdownDescription: "How to log in: " + strings.Join(backticked(vault.AuthMethods()), " or ") + ". Defaults to `token` (the provider's `vault.token` or `" + vault.TokenEnv + "`); `approle` logs in with `vault.approle_role_id` and `vault.approle_secret_id` (or `" + vault.RoleIDEnv + "` and `" + vault.SecretIDEnv + "`). Other methods that end in a token (Kubernetes, JWT) work by logging in outside and passing the token.",
			Validators: []validator.String{stringvalidator.OneOf(vault.AuthMethods()...)}},
		"approle_mount": schema.StringAttribute{Optional: true, MarkdownDescription: "Path the AppRole auth method is mounted at. Defaults to `approle`."},
	}
}

func (d *vaultIssuerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	attrs := vaultConnectionAttributes()
	for k, v := range map[string]schema.Attribute{
		"mount":             schema.StringAttribute{Required: true, MarkdownDescription: "Path of the PKI secrets engine, for example `pki`."},
		"role":              schema.StringAttribute{Required: true, MarkdownDescription: "PKI role that signs the certificates (`<mount>/sign/<role>`). Its settings are read on every plan and checked against each certificate; see the Vault guide for the settings crank needs."},
		"issuer_ref":        schema.StringAttribute{Optional: true, MarkdownDescription: "Issuer of a multi-issuer mount that signs (id or name). Defaults to the role's `issuer_ref`, which defaults to the mount's default issuer. Whichever it is, it is resolved to an id on every plan and certificates go to `<mount>/issuer/<id>/sign/<role>`, so the issuer the plan checked is the one that signs."},
		"revoke_on_destroy": schema.BoolAttribute{Optional: true, MarkdownDescription: "Revoke each certificate issued through this handle (`<mount>/revoke`) when it is destroyed or replaced. A revocation that fails fails the destroy, so nothing is forgotten silently. The role must keep `no_store = false`."},

		"issuer":           computed("Handle that `crank_certificate.issuer` takes. It holds the address, CA bundle, mount, role, auth method, the signing chain and the role's settings; never a token, role ID or secret ID."),
		"issuer_id":        computed("Id of the issuer that signs."),
		"cert_pem":         computed("The issuer that signs, PEM."),
		"root_pem":         computed("The root at the top of the signing issuer's chain, PEM: what peers of these certificates trust."),
		"chain_pem":        computed("The signing issuer and the certificates above it except the root, PEM."),
		"trust_bundle_pem": computed("Every issuer of the mount with its chain, deduplicated, PEM: during an issuer rotation it holds the outgoing and the incoming CA. Pass it to `crank_trust_bundle`."),
		"issuers": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "Every issuer of the mount (`<mount>/issuers`), the default first.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"issuer_id":   computed("Issuer id."),
				"issuer_name": computed("Issuer name, empty when unnamed."),
				"is_default":  schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it is the mount's default issuer."},
				"cert_pem":    computed("Issuer certificate, PEM."),
				"not_after":   computed("End of the issuer's validity, RFC 3339."),
			}}},
	} {
		attrs[k] = v
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An `issuer` for `crank_certificate` backed by HashiCorp Vault's PKI secrets engine (or OpenBao's). Every certificate is a CSR for a key crank made, signed through `<mount>/sign/<role>`: the private key never passes through Vault. " +
			"The role's settings are checked at plan time (names, URI SANs, IP SANs, TTL, key type and size, usages, subject), so what Vault would refuse or silently change fails the plan naming the role setting. " +
			"Credentials are never in the handle or state: see the provider's `vault` block. Child CAs and `crank_crl` need a CA whose key this provider holds; a Vault-held intermediate is `crank_vault_intermediate`, and the mount's CRL is `crank_vault_crl`.",
		Attributes: attrs,
	}
}

func vaultConfigOf(address, caCert, namespace, authMethod, appRoleMount types.String) vault.Config {
	return vault.Config{Address: address.ValueString(), CACertPEM: caCert.ValueString(), Namespace: namespace.ValueString(), AuthMethod: authMethod.ValueString(), AppRoleMount: appRoleMount.ValueString(), Getenv: backendEnv}
}

// vaultDiag puts a Vault failure on the attribute a user would change.
func vaultDiag(err error, summary string) (path.Path, string) {
	attr := path.Root("address")
	switch {
	case errors.Is(err, vault.ErrUnreachable):
		summary = "Vault unreachable"
	case errors.Is(err, vault.ErrTLS):
		attr, summary = path.Root("ca_cert_pem"), "Vault's TLS certificate does not verify"
	case errors.Is(err, vault.ErrSealed):
		summary = "Vault is sealed"
	case errors.Is(err, vault.ErrForbidden), errors.Is(err, vault.ErrNoCredentials):
		attr, summary = path.Root("auth_method"), "Vault refused the credentials"
	case errors.Is(err, vault.ErrUnknownMount):
		attr, summary = path.Root("mount"), "Vault PKI mount not found"
	case errors.Is(err, vault.ErrUnknownRole):
		attr, summary = path.Root("role"), "Vault PKI role not found"
	case errors.Is(err, vault.ErrRoleNoStore):
		attr, summary = path.Root("revoke_on_destroy"), "Vault role cannot revoke"
	case errors.Is(err, vault.ErrUnknownIssuer):
		attr, summary = path.Root("issuer_ref"), "Vault PKI issuer not found"
	}
	return attr, summary
}

func (d *vaultIssuerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m vaultIssuerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	found, err := vault.Discover(ctx, vaultConfigOf(m.Address, m.CACertPEM, m.Namespace, m.AuthMethod, m.AppRoleMount),
		vault.Target{Mount: m.Mount.ValueString(), Role: m.Role.ValueString(), IssuerRef: m.IssuerRef.ValueString(), RevokeOnDestroy: m.RevokeOnDestroy.ValueBool()})
	if err != nil {
		attr, summary := vaultDiag(err, "Vault issuer unusable")
		resp.Diagnostics.AddAttributeError(attr, summary, err.Error())
		return
	}
	handle, err := vault.Encode(found.Options)
	if err != nil {
		resp.Diagnostics.AddError("Could not encode the issuer handle", err.Error())
		return
	}
	chain, _ := vault.ChainOf(found.Options)
	m.Issuer = types.StringValue(handle)
	m.CertPEM = types.StringValue(pki.EncodeCertsPEM(chain[0]))
	m.RootPEM = types.StringValue(pki.EncodeCertsPEM(chain[len(chain)-1]))
	m.ChainPEM = types.StringValue(pki.EncodeCertsPEM(chain[:len(chain)-1]...))
	m.IssuerID = types.StringNull()
	var bundle []*x509.Certificate
	m.Issuers = []vaultIssuerEntry{}
	for _, iss := range found.Issuers {
		if iss.Cert.Equal(chain[0]) {
			m.IssuerID = types.StringValue(iss.ID)
		}
		m.Issuers = append(m.Issuers, vaultIssuerEntry{ID: types.StringValue(iss.ID), Name: types.StringValue(iss.Name), IsDefault: types.BoolValue(iss.IsDefault), CertPEM: types.StringValue(pki.EncodeCertsPEM(iss.Cert)), NotAfter: types.StringValue(rfc3339(iss.Cert.NotAfter))})
		for _, c := range iss.Chain {
			if !slices.ContainsFunc(bundle, c.Equal) {
				bundle = append(bundle, c)
			}
		}
	}
	m.TrustBundlePEM = types.StringValue(pki.EncodeCertsPEM(bundle...))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
