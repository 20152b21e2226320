package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var _ ephemeral.EphemeralResource = (*privateKeyEphemeral)(nil)

type privateKeyEphemeral struct{}

// NewPrivateKeyEphemeralResource is the crank_private_key ephemeral resource factory.
func NewPrivateKeyEphemeralResource() ephemeral.EphemeralResource { return &privateKeyEphemeral{} }

type privateKeyModel struct {
	KeyAlgorithm  types.String `tfsdk:"key_algorithm"`
	PrivateKeyPEM types.String `tfsdk:"private_key_pem"`
	PublicKeyPEM  types.String `tfsdk:"public_key_pem"`
	Fingerprint   types.String `tfsdk:"public_key_fingerprint_sha256"`
}

func (e *privateKeyEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_private_key"
}

func (e *privateKeyEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A private key that exists only while Terraform runs: it is generated anew each time the ephemeral resource is opened and is never written to plan or state. " +
			"Certify it with `crank_certificate` (`public_key_pem_wo`) and hand `private_key_pem` to the service through a write-only attribute of the resource that delivers it " +
			"(a secret store's `*_wo` argument), with both keyed on the certificate's `serial` so the key is delivered exactly when the certificate is (re-)issued.\n\n" +
			"Requires Terraform 1.10 or OpenTofu 1.11 or later.",
		Attributes: map[string]schema.Attribute{
			"key_algorithm": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Key type. Accepted values: " + strings.Join(backticked(pki.KeyAlgorithms()), ", ") + ". Defaults to `" + string(pki.DefaultKeyAlgorithm) + "`.",
				Validators:          []validator.String{stringvalidator.OneOf(pki.KeyAlgorithms()...)},
			},
			"private_key_pem": schema.StringAttribute{
				Computed: true, Sensitive: true,
				MarkdownDescription: "The private key, unencrypted PKCS#8 PEM (`PRIVATE KEY`). Ephemeral: usable only in write-only attributes, provider blocks, provisioners and other ephemeral contexts.",
			},
			"public_key_pem": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The public key, PKIX PEM (`PUBLIC KEY`).",
			},
			"public_key_fingerprint_sha256": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "SHA-256 of the PKIX public key, as `sha256:<hex>`.",
			},
		},
	}
}

func (e *privateKeyEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m privateKeyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	alg := pki.DefaultKeyAlgorithm
	if knownString(m.KeyAlgorithm) {
		alg = pki.KeyAlgorithm(m.KeyAlgorithm.ValueString())
	}
	key, err := pki.GenerateKey(alg)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("key_algorithm"), "Key generation failed", err.Error())
		return
	}
	priv, err := pki.EncodePrivateKeyPEM(key)
	if err != nil {
		resp.Diagnostics.AddError("Could not encode the private key", err.Error())
		return
	}
	pub, err := pki.EncodePublicKeyPEM(key.Public())
	if err != nil {
		resp.Diagnostics.AddError("Could not encode the public key", err.Error())
		return
	}
	fp, err := pki.PublicKeyFingerprint(key.Public())
	if err != nil {
		resp.Diagnostics.AddError("Could not fingerprint the public key", err.Error())
		return
	}
	m.KeyAlgorithm = types.StringValue(string(alg))
	m.PrivateKeyPEM = types.StringValue(priv)
	m.PublicKeyPEM = types.StringValue(pub)
	m.Fingerprint = types.StringValue(fp)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}
