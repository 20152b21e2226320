package provider

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer/acme"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var _ datasource.DataSourceWithConfigValidators = (*acmeIssuerDataSource)(nil)

// A data source, like crank_stepca_issuer: the handle is what the directory
// and the account are now, read on every plan. Its one side effect is the
// first read, which creates the encrypted account key file and registers
// the account; every later read finds the same account.
type acmeIssuerDataSource struct{}

// NewACMEIssuerDataSource is the crank_acme_issuer data source factory.
func NewACMEIssuerDataSource() datasource.DataSource { return &acmeIssuerDataSource{} }

type acmeIssuerModel struct {
	Directory       types.String   `tfsdk:"directory_url"`
	CABundlePEM     types.String   `tfsdk:"ca_bundle_pem"`
	AccountKeyFile  types.String   `tfsdk:"account_key_file"`
	Contact         []types.String `tfsdk:"contact"`
	IssuerChainPEM  types.String   `tfsdk:"issuer_chain_pem"`
	HTTP01Listen    types.String   `tfsdk:"http01_listen"`
	DNS01Hook       []types.String `tfsdk:"dns01_hook"`
	Usages          []types.String `tfsdk:"usages"`
	RevokeOnDestroy types.Bool     `tfsdk:"revoke_on_destroy"`
	Issuer          types.String   `tfsdk:"issuer"`
	AccountURL      types.String   `tfsdk:"account_url"`
	RenewalInfo     types.Bool     `tfsdk:"renewal_info"`
	RootPEM         types.String   `tfsdk:"root_pem"`
	ChainPEM        types.String   `tfsdk:"chain_pem"`
}

func (d *acmeIssuerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_acme_issuer"
}

func (d *acmeIssuerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An `issuer` for `crank_certificate` backed by any [ACME](https://www.rfc-editor.org/rfc/rfc8555) CA (RFC 8555): step-ca's ACME provisioner, a public CA, Pebble. " +
			"Each certificate is one order: its DNS names and IP addresses are the identifiers, proved with `http-01` (a solver the provider runs on `http01_listen` only while the order is pending) or `dns-01` (your `dns01_hook`), then the CSR is finalized and the result checked against the request and `issuer_chain_pem`.\n\n" +
			"The account key lives in `account_key_file`, encrypted with the passphrase in `" + acme.PassphraseEnv + "` (created and registered on the first read); External Account Binding comes from `" + acme.EABKeyIDEnv + "` and `" + acme.EABHMACEnv + "`. None of them is ever in configuration, plan or state. " +
			"ACME certifies only DNS names and IP addresses: certificates through it need `include_spiffe_id = false`, `usages` equal to this issuer's, and a subject no other than the default common name, or the plan fails naming the field. Child CAs and CRLs need a `crank_ca`.",
		Attributes: map[string]schema.Attribute{
			"directory_url":    schema.StringAttribute{Required: true, MarkdownDescription: "URL of the ACME directory, for example `https://ca.internal:9000/acme/acme/directory`."},
			"ca_bundle_pem":    schema.StringAttribute{Optional: true, MarkdownDescription: "PEM roots that the directory's TLS certificate must chain to. Defaults to the system roots."},
			"account_key_file": schema.StringAttribute{Required: true, MarkdownDescription: "Path of the ACME account key: an encrypted PKCS#8 file (PBES2, AES-256) opened with `" + acme.PassphraseEnv + "`. Created with a new ECDSA P-256 key, mode 0600, when it does not exist. Keep it: it is the account that may revoke what it ordered."},
			"contact": schema.ListAttribute{ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Account contact URLs, for example `mailto:pki@example.org`."},
			"issuer_chain_pem": schema.StringAttribute{Required: true, MarkdownDescription: "The CA certificates this directory issues under, PEM: the issuing CA first, ending with its self-signed root. " +
				"ACME does not publish them, so they come from the CA's operators (step-ca: `/roots.pem` and `/intermediates.pem`). Plans check certificates against them, and an issued certificate that does not chain through the first to the last is refused."},
			"http01_listen": schema.StringAttribute{Optional: true, MarkdownDescription: "`host:port` the `http-01` solver listens on while an order is pending. The CA connects to port 80 of each name, so this is where that port is forwarded (or `:80`)."},
			"dns01_hook": schema.ListAttribute{ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Command (program and arguments) that sets and removes `dns-01` TXT records. crank runs it as `COMMAND... present FQDN VALUE` before it asks the CA to validate, and `COMMAND... cleanup FQDN VALUE` afterwards, with the provider's environment; a non-zero exit fails the certificate and shows its output.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)}},
			"usages": schema.SetAttribute{ElementType: types.StringType, Optional: true,
				MarkdownDescription: "TLS roles the CA's profile writes. Defaults to `[\"server\"]` (Let's Encrypt, Pebble); step-ca's ACME provisioner writes `[\"server\", \"client\"]`. Certificates must ask for exactly these, and an issued certificate with others is refused.",
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.OneOf(pki.Usages()...))}},
			"revoke_on_destroy": schema.BoolAttribute{Optional: true, MarkdownDescription: "Revoke a certificate through ACME `revokeCert` (reason cessationOfOperation) when its `crank_certificate` is destroyed or replaced. A failed revocation fails the destroy, so the certificate stays in state until it is revoked. Default `false`."},
			"issuer":            schema.StringAttribute{Computed: true, MarkdownDescription: "Handle that `crank_certificate.issuer` takes: the directory, the CA bundle, the account key file's path and the account URL, the CA chain and the solver. No key, passphrase or EAB secret."},
			"account_url":       schema.StringAttribute{Computed: true, MarkdownDescription: "URL of the ACME account."},
			"renewal_info":      schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the directory offers ACME Renewal Information (RFC 9773). When it does, a plan renews a certificate from the start of the CA's suggested window if that comes before `renew_before`."},
			"root_pem":          schema.StringAttribute{Computed: true, MarkdownDescription: "The root of `issuer_chain_pem`: what peers of these certificates trust."},
			"chain_pem":         schema.StringAttribute{Computed: true, MarkdownDescription: "The intermediates of `issuer_chain_pem`, PEM."},
		},
	}
}

func (d *acmeIssuerDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("http01_listen"), path.MatchRoot("dns01_hook"))}
}

func (d *acmeIssuerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m acmeIssuerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	usages := stringList(m.Usages)
	if m.Usages == nil {
		usages = []string{string(pki.UsageServer)}
	}
	o, err := acme.Bootstrap(ctx, acme.Config{
		Directory: m.Directory.ValueString(), CABundle: m.CABundlePEM.ValueString(), AccountKeyFile: m.AccountKeyFile.ValueString(),
		Contact: stringList(m.Contact), IssuerChainPEM: m.IssuerChainPEM.ValueString(), HTTP01Listen: m.HTTP01Listen.ValueString(),
		DNS01Hook: stringList(m.DNS01Hook), Usages: usages, RevokeOnDestroy: m.RevokeOnDestroy.ValueBool(), Getenv: os.Getenv,
	})
	if err != nil {
		attr, summary := path.Root("directory_url"), "ACME issuer unusable"
		switch {
		case errors.Is(err, acme.ErrTLS):
			attr, summary = path.Root("ca_bundle_pem"), "ACME directory not trusted"
		case errors.Is(err, acme.ErrUnreachable):
			summary = "ACME directory unreachable"
		case errors.Is(err, acme.ErrEABRequired):
			summary = "ACME External Account Binding required"
		case errors.Is(err, acme.ErrAccount):
			attr, summary = path.Root("account_key_file"), "ACME account unusable"
		case errors.Is(err, acme.ErrRejected):
			summary = "ACME CA refused the account"
		case strings.Contains(err.Error(), "issuer_chain_pem"):
			attr, summary = path.Root("issuer_chain_pem"), "Invalid ACME issuer chain"
		}
		resp.Diagnostics.AddAttributeError(attr, summary, err.Error())
		return
	}
	handle, err := acme.Encode(o)
	if err != nil {
		resp.Diagnostics.AddError("Could not encode the issuer handle", err.Error())
		return
	}
	chain, _ := acme.CertificatesOf(o)
	m.Issuer = types.StringValue(handle)
	m.AccountURL = types.StringValue(o.AccountURL)
	m.RenewalInfo = types.BoolValue(o.RenewalInfo != "")
	m.RootPEM = types.StringValue(pki.EncodeCertsPEM(chain[len(chain)-1]))
	m.ChainPEM = types.StringValue(pki.EncodeCertsPEM(chain[:len(chain)-1]...))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
