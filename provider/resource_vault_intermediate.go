package provider

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer/vault"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var (
	_ resource.Resource              = (*vaultIntermediateResource)(nil)
	_ resource.ResourceWithConfigure = (*vaultIntermediateResource)(nil)
)

// A Vault-held intermediate in one apply: Vault makes the key and a CSR
// (<mount>/intermediate/generate/internal), a crank_ca signs it here, and
// the certificate goes back (<mount>/intermediate/set-signed). The CA key
// never leaves Vault, and nothing about it is in state but certificates.
type vaultIntermediateResource struct{ data *providerData }

// NewVaultIntermediateResource is the crank_vault_intermediate factory.
func NewVaultIntermediateResource() resource.Resource { return &vaultIntermediateResource{} }

type vaultIntermediateModel struct {
	ID            types.String  `tfsdk:"id"`
	Address       types.String  `tfsdk:"address"`
	CACertPEM     types.String  `tfsdk:"ca_cert_pem"`
	Namespace     types.String  `tfsdk:"namespace"`
	AuthMethod    types.String  `tfsdk:"auth_method"`
	AppRoleMount  types.String  `tfsdk:"approle_mount"`
	Mount         types.String  `tfsdk:"mount"`
	Parent        types.String  `tfsdk:"parent"`
	CommonName    types.String  `tfsdk:"common_name"`
	KeyType       types.String  `tfsdk:"key_type"`
	KeyBits       types.Int64   `tfsdk:"key_bits"`
	IssuerName    types.String  `tfsdk:"issuer_name"`
	Validity      durationValue `tfsdk:"validity"`
	MaxPathLength types.Int64   `tfsdk:"max_path_length"`

	IssuerID types.String `tfsdk:"issuer_id"`
	KeyID    types.String `tfsdk:"key_id"`
	CSRPEM   types.String `tfsdk:"csr_pem"`
	CertPEM  types.String `tfsdk:"cert_pem"`
	ChainPEM types.String `tfsdk:"chain_pem"`
	NotAfter types.String `tfsdk:"not_after"`
}

func (r *vaultIntermediateResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_vault_intermediate"
}

func (r *vaultIntermediateResource) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if d, ok := req.ProviderData.(*providerData); ok {
		r.data = d
	}
}

func vaultKeyTypes() []string { return []string{"ec", "rsa", "ed25519"} }

func (r *vaultIntermediateResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := requiresReplaceString()
	conn := map[string]schema.Attribute{}
	for name, a := range vaultConnectionAttributes() {
		// The data source's attribute texts apply; as resource attributes
		// every one of them names another intermediate when it changes.
		sa := a.(interface{ GetMarkdownDescription() string })
		conn[name] = schema.StringAttribute{Required: name == "address", Optional: name != "address", MarkdownDescription: sa.GetMarkdownDescription(), PlanModifiers: replace}
	}
	conn["auth_method"] = schema.StringAttribute{Optional: true, MarkdownDescription: conn["auth_method"].GetMarkdownDescription(), PlanModifiers: replace, Validators: []validator.String{stringvalidator.OneOf(vault.AuthMethods()...)}}
	for name, a := range map[string]schema.Attribute{
		"id":          computedString("The issuer id in Vault."),
		"mount":       schema.StringAttribute{Required: true, PlanModifiers: replace, MarkdownDescription: "Path of the PKI secrets engine that keeps the intermediate."},
		"parent":      schema.StringAttribute{Required: true, Sensitive: true, PlanModifiers: replace, MarkdownDescription: "The `issuer` attribute of the `crank_ca` that signs the intermediate (a root, or any CA whose key this provider holds)."},
		"common_name": schema.StringAttribute{Required: true, PlanModifiers: replace, MarkdownDescription: "Common name of the intermediate."},
		"key_type": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("ec"), PlanModifiers: replace,
			MarkdownDescription: "Type of the key Vault generates. Accepted values: " + strings.Join(backticked(vaultKeyTypes()), ", ") + ". Defaults to `ec`.", Validators: []validator.String{stringvalidator.OneOf(vaultKeyTypes()...)}},
		"key_bits": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(0), PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			MarkdownDescription: "Key size (Vault's `key_bits`); 0 takes Vault's default for the type (P-256, RSA 2048)."},
		"issuer_name": schema.StringAttribute{Optional: true, PlanModifiers: replace, MarkdownDescription: "Name given to the new issuer in the mount, so roles and `issuer_ref` can name it."},
		"validity": schema.StringAttribute{CustomType: durationType{}, Optional: true, Computed: true, Default: stringdefault.StaticString("8760h"), PlanModifiers: requiresReplaceIfDurationChanged(),
			MarkdownDescription: "Lifetime of the intermediate certificate. Defaults to `8760h` (a year). May not reach past the parent's `not_after`. " + durationSpellingNote, Validators: []validator.String{durationValidator{}}},
		"max_path_length": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(0), PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			MarkdownDescription: "CAs allowed below this one; 0 (the default) means it signs only leaves."},
		"issuer_id": computedString("Id of the new issuer in the mount: pass it as `crank_vault_issuer.issuer_ref` (or set it as a role's `issuer_ref`)."),
		"key_id":    computedString("Id of the key Vault generated and keeps."),
		"csr_pem":   computedString("The CSR Vault generated, PEM."),
		"cert_pem":  computedString("The intermediate certificate crank signed, PEM."),
		"chain_pem": computedString("The intermediate and the certificates above it, root last, PEM: what was set back into Vault."),
		"not_after": computedString("End of the intermediate's validity, RFC 3339."),
	} {
		conn[name] = a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An intermediate CA whose key Vault generates and keeps (`<mount>/intermediate/generate/internal`), signed by a `crank_ca` in the same apply and set back with `<mount>/intermediate/set-signed`. " +
			"Leaves are then issued through it with a `crank_vault_issuer` whose `issuer_ref` is `issuer_id`. The CA key never leaves Vault. " +
			"Destroying it leaves the issuer in Vault, so the certificates it signed keep verifying; delete it there (`vault delete <mount>/issuer/<issuer_id>`) when they have expired. " +
			"An apply that fails after Vault generated the key leaves that unused key in the mount (`vault list <mount>/keys`), and nothing in state.",
		Attributes: conn,
	}
}

// publicKeyOnly stands in for the intermediate's key when crank signs its
// certificate: the key is in Vault, so only its public half is here.
type publicKeyOnly struct{ pub crypto.PublicKey }

func (k publicKeyOnly) Public() crypto.PublicKey { return k.pub }

func (k publicKeyOnly) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("the intermediate's key is held by Vault")
}

func (r *vaultIntermediateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m vaultIntermediateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validity, err := parseDuration(m.Validity.ValueString())
	if err != nil || validity <= 0 {
		resp.Diagnostics.AddAttributeError(path.Root("validity"), "Invalid duration", durationHelp(m.Validity.ValueString(), err))
		return
	}
	parent, err := resolveIssuer(m.Parent.ValueString())
	if err != nil {
		resp.Diagnostics.Append(diagBadParent(err))
		return
	}
	now := r.data.now().Truncate(time.Second)
	if parent.Cert.NotAfter.Before(now.Add(validity)) {
		resp.Diagnostics.AddAttributeError(path.Root("validity"), "Intermediate would outlive its parent", fmt.Sprintf("validity %s ends after the parent CA (%s, not_after %s). Lower validity.", m.Validity.ValueString(), parent.Cert.Subject.CommonName, rfc3339(parent.Cert.NotAfter)))
		return
	}
	c, err := vault.NewClient(ctx, vaultConfigOf(m.Address, m.CACertPEM, m.Namespace, m.AuthMethod, m.AppRoleMount))
	if err != nil {
		attr, summary := vaultDiag(err, "Vault unusable")
		resp.Diagnostics.AddAttributeError(attr, summary, err.Error())
		return
	}
	csr, keyID, err := c.GenerateIntermediate(ctx, vault.IntermediateRequest{Mount: m.Mount.ValueString(), CommonName: m.CommonName.ValueString(), KeyType: m.KeyType.ValueString(), KeyBits: int(m.KeyBits.ValueInt64())})
	if err != nil {
		attr, summary := vaultDiag(err, "Vault did not generate the intermediate")
		resp.Diagnostics.AddAttributeError(attr, summary, err.Error())
		return
	}
	if err := csr.CheckSignature(); err != nil {
		resp.Diagnostics.AddError("Vault's CSR does not verify", err.Error())
		return
	}
	signed, err := pki.CreateCA(pki.CARequest{Subject: csr.Subject, Key: publicKeyOnly{csr.PublicKey}, NotBefore: now, NotAfter: now.Add(validity), MaxPathLength: int(m.MaxPathLength.ValueInt64())}, parent)
	if err != nil {
		resp.Diagnostics.Append(policyDiag(err, path.Root("parent"), "The parent CA cannot sign this intermediate"))
		return
	}
	chain := append([]*x509.Certificate{signed.Cert}, parent.Chain()...)
	id, err := c.SetSigned(ctx, m.Mount.ValueString(), keyID, chain, m.IssuerName.ValueString())
	if err != nil {
		attr, summary := vaultDiag(err, "Vault did not take the signed intermediate")
		resp.Diagnostics.AddAttributeError(attr, summary, err.Error())
		return
	}
	m.ID, m.IssuerID, m.KeyID = types.StringValue(id), types.StringValue(id), types.StringValue(keyID)
	m.CSRPEM = types.StringValue(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr.Raw})))
	m.CertPEM = types.StringValue(pki.EncodeCertsPEM(signed.Cert))
	m.ChainPEM = types.StringValue(pki.EncodeCertsPEM(chain...))
	m.NotAfter = types.StringValue(rfc3339(signed.Cert.NotAfter))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read keeps the state: the certificates do not change in Vault, and a
// plan must not need Vault's credentials for a resource that is settled.
func (r *vaultIntermediateResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
}

// Update is never planned: every attribute replaces.
func (r *vaultIntermediateResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

// Delete leaves the issuer in Vault (see the description).
func (r *vaultIntermediateResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}
