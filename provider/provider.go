// Package provider implements the crank Terraform provider: a thin layer that
// maps schema values to plain Go types and calls internal/pki and cap.
package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var (
	_ provider.Provider                       = (*crankProvider)(nil)
	_ provider.ProviderWithFunctions          = (*crankProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*crankProvider)(nil)
)

// defaultRenewalWarning is how long before a certificate enters its renewal
// window that plans start to say so.
const defaultRenewalWarning = 7 * 24 * time.Hour

type crankProvider struct {
	version string
	// now is the provider's clock; tests replace it to exercise renewal
	// without sleeping.
	now func() time.Time
}

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	trustDomain    string
	renewalWarning time.Duration
	now            func() time.Time
}

type providerModel struct {
	TrustDomain    types.String        `tfsdk:"trust_domain"`
	RenewalWarning types.String        `tfsdk:"renewal_warning"`
	Vault          *providerVaultModel `tfsdk:"vault"`
}

// New returns the provider factory that providerserver.Serve expects.
func New(version string) func() provider.Provider {
	return NewWithClock(version, time.Now)
}

// NewWithClock is New with an injectable clock, for renewal tests.
func NewWithClock(version string, now func() time.Time) func() provider.Provider {
	return func() provider.Provider {
		return &crankProvider{version: version, now: now}
	}
}

func (p *crankProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "crank"
	resp.Version = p.version
}

func (p *crankProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The crank provider declares an internal PKI for mutual TLS — CA issuers and service certificates with SPIFFE identities — and the Capability Access Policies that say which service may call which operation.",
		Attributes: map[string]schema.Attribute{
			"trust_domain": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Default SPIFFE trust domain for `crank_certificate` resources that do not set their own, for example `prod.example.org`. Lowercase letters, digits, `.`, `-` and `_` only.",
			},
			"renewal_warning": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "How long before a certificate enters its renewal window plans start warning about it, as a duration such as `168h` or `7d`. Defaults to `7d`.",
			},
			"vault": providerVaultAttribute(),
		},
	}
}

func (p *crankProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{renewalWarning: defaultRenewalWarning, now: p.now}
	if !cfg.TrustDomain.IsNull() && !cfg.TrustDomain.IsUnknown() {
		td := cfg.TrustDomain.ValueString()
		if err := pki.ValidateTrustDomain(td); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("trust_domain"), "Invalid trust domain", err.Error())
			return
		}
		data.trustDomain = td
	}
	if !cfg.RenewalWarning.IsNull() && !cfg.RenewalWarning.IsUnknown() {
		d, err := parseDuration(cfg.RenewalWarning.ValueString())
		if err != nil || d < 0 {
			resp.Diagnostics.AddAttributeError(path.Root("renewal_warning"), "Invalid duration", durationHelp(cfg.RenewalWarning.ValueString(), err))
			return
		}
		data.renewalWarning = d
	}
	configureVault(cfg.Vault)
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
}

func (p *crankProvider) Resources(_ context.Context) []func() resource.Resource {
	resources := []func() resource.Resource{
		NewCAResource,
		NewCertificateResource,
		NewVaultIntermediateResource,
	}
	resources = append(resources, capResources()...)
	return append(resources, lifecycleResources()...)
}

func (p *crankProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	dataSources := []func() datasource.DataSource{
		NewCertificateDataSource,
		NewStepCAIssuerDataSource,
		NewACMEIssuerDataSource,
		NewVaultIssuerDataSource,
		NewVaultCRLDataSource,
	}
	dataSources = append(dataSources, capDataSources()...)
	return append(dataSources, lifecycleDataSources()...)
}

func (p *crankProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return lifecycleEphemeralResources()
}

func (p *crankProvider) Functions(_ context.Context) []func() function.Function {
	functions := []func() function.Function{
		NewParseCertificateFunction,
		NewSPIFFEIDFunction,
		NewVerifyChainFunction,
	}
	functions = append(functions, capFunctions()...)
	return append(functions, lifecycleFunctions()...)
}
