package provider

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"maps"
	"net"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var (
	_ resource.Resource                   = (*caResource)(nil)
	_ resource.ResourceWithConfigure      = (*caResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*caResource)(nil)
	_ resource.ResourceWithUpgradeState   = (*caResource)(nil)
	_ resource.ResourceWithValidateConfig = (*caResource)(nil)
	_ resource.ResourceWithImportState    = (*caResource)(nil)
)

// Default lifetimes: a root outlives the intermediates it signs by default,
// so a configuration that sets no validity at all still issues cleanly.
const (
	defaultRootValidity         = 10 * 365 * 24 * time.Hour
	defaultIntermediateValidity = 5 * 365 * 24 * time.Hour
)

type caResource struct{ data *providerData }

// NewCAResource is the crank_ca resource factory.
func NewCAResource() resource.Resource { return &caResource{} }

type subjectModel struct {
	CommonName         types.String `tfsdk:"common_name"`
	Organization       types.String `tfsdk:"organization"`
	OrganizationalUnit types.String `tfsdk:"organizational_unit"`
	Country            types.String `tfsdk:"country"`
	Province           types.String `tfsdk:"province"`
	Locality           types.String `tfsdk:"locality"`
}

type nameConstraintsModel struct {
	Critical            types.Bool     `tfsdk:"critical"`
	PermittedDNSDomains []types.String `tfsdk:"permitted_dns_domains"`
	ExcludedDNSDomains  []types.String `tfsdk:"excluded_dns_domains"`
	PermittedURIDomains []types.String `tfsdk:"permitted_uri_domains"`
	ExcludedURIDomains  []types.String `tfsdk:"excluded_uri_domains"`
	PermittedIPRanges   []types.String `tfsdk:"permitted_ip_ranges"`
	ExcludedIPRanges    []types.String `tfsdk:"excluded_ip_ranges"`
}

type caModel struct {
	ID                     types.String          `tfsdk:"id"`
	Subject                *subjectModel         `tfsdk:"subject"`
	KeyAlgorithm           types.String          `tfsdk:"key_algorithm"`
	Validity               durationValue         `tfsdk:"validity"`
	Parent                 types.String          `tfsdk:"parent"`
	MaxPathLength          types.Int64           `tfsdk:"max_path_length"`
	NameConstraints        *nameConstraintsModel `tfsdk:"name_constraints"`
	CRLDistributionPoints  []types.String        `tfsdk:"crl_distribution_points"`
	OCSPServers            []types.String        `tfsdk:"ocsp_servers"`
	IssuingCertificateURLs []types.String        `tfsdk:"issuing_certificate_urls"`
	KeyStorage             types.String          `tfsdk:"key_storage"`
	KeyFile                types.String          `tfsdk:"key_file"`
	KeyPassphraseWO        types.String          `tfsdk:"key_passphrase_wo"`
	ExternalParent         types.Bool            `tfsdk:"external_parent"`
	SignedCertPEM          types.String          `tfsdk:"signed_cert_pem"`
	SignedChainPEM         types.String          `tfsdk:"signed_chain_pem"`
	CSRPEM                 types.String          `tfsdk:"csr_pem"`
	PKCS11                 *pkcs11Model          `tfsdk:"pkcs11"`
	PKCS11PinWO            types.String          `tfsdk:"pkcs11_pin_wo"`

	CertPEM           types.String `tfsdk:"cert_pem"`
	ChainPEM          types.String `tfsdk:"chain_pem"`
	NotBefore         types.String `tfsdk:"not_before"`
	NotAfter          types.String `tfsdk:"not_after"`
	Serial            types.String `tfsdk:"serial"`
	SubjectKeyID      types.String `tfsdk:"subject_key_id"`
	FingerprintSHA256 types.String `tfsdk:"fingerprint_sha256"`
	Issuer            types.String `tfsdk:"issuer"`
}

func (r *caResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_ca"
}

func (r *caResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if d, ok := req.ProviderData.(*providerData); ok {
		r.data = d
	}
}

func requiresReplaceString() []planmodifier.String {
	return []planmodifier.String{stringplanmodifier.RequiresReplace()}
}

func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

func replaceList(desc string, validators ...validator.List) schema.ListAttribute {
	return schema.ListAttribute{
		ElementType: types.StringType, Optional: true, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
		Validators:    validators,
	}
}

func subjectSchema() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Required:            true,
		MarkdownDescription: "Distinguished name of the CA.",
		PlanModifiers:       []planmodifier.Object{objectplanmodifier.RequiresReplace()},
		Attributes:          subjectAttributes(true, "Common name (CN), for example `Example Root CA`."),
	}
}

func (r *caResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Version: caSchemaVersion,
		MarkdownDescription: "A certificate authority of the local backend: a self-signed root, or an intermediate when `parent` is set. " +
			"Its `issuer` attribute is the handle that `crank_certificate` and child CAs take.\n\n" +
			"~> With the default `key_storage = \"state\"` the CA private key is kept inside the `issuer` attribute in state (marked sensitive, but readable by anyone who can read the state). " +
			"Use it for development. For real CAs set `key_storage = \"file\"`: the key is written once to an encrypted PKCS#8 file and state holds only its path and public key fingerprint.",
		Attributes: map[string]schema.Attribute{
			"id":      computedString("SHA-256 fingerprint of the CA certificate."),
			"subject": subjectSchema(),
			"key_algorithm": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(string(pki.DefaultKeyAlgorithm)),
				MarkdownDescription: "Key type of the CA. Accepted values: " + strings.Join(backticked(pki.KeyAlgorithms()), ", ") + ". Defaults to `" + string(pki.DefaultKeyAlgorithm) + "`.",
				Validators:          []validator.String{stringvalidator.OneOf(pki.KeyAlgorithms()...)},
				PlanModifiers:       requiresReplaceString(),
			},
			"validity": schema.StringAttribute{
				CustomType: durationType{},
				Optional:   true, Computed: true,
				MarkdownDescription: "Lifetime from creation, such as `87600h` or `3650d`. Defaults to 10 years for a root and 5 years for an intermediate. An intermediate may not outlive its parent. " + durationSpellingNote,
				PlanModifiers:       append(requiresReplaceIfDurationChanged(), stringplanmodifier.UseStateForUnknown()),
				Validators:          []validator.String{durationValidator{}},
			},
			"parent": schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "The `issuer` of the CA that signs this one. Unset for a self-signed root. The CA is replaced when the parent's certificate changes, not when only its handle does (for example when the parent's key moves into a file, or after an import).",
				PlanModifiers:       []planmodifier.String{replaceIfParentCertChanged()},
			},
			"max_path_length": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "How many CA levels may exist below this CA. `0` lets it sign only leaf certificates; `-1` means unlimited. Defaults to `-1` for a root and `0` for an intermediate.",
				Validators:          []validator.Int64{int64validator.AtLeast(-1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace(), int64planmodifier.UseStateForUnknown()},
			},
			"name_constraints": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "RFC 5280 name constraints limiting the names any certificate below this CA may carry. They are checked at plan time for every certificate issued (names, and a subject common name the way Java and GnuTLS read it). Relying parties enforce them too, but not all of them every type: GnuTLS 3.7 ignores URI constraints (see the *Certificates every TLS stack accepts* guide).",
				PlanModifiers:       []planmodifier.Object{objectplanmodifier.RequiresReplace()},
				Attributes: map[string]schema.Attribute{
					"critical": schema.BoolAttribute{
						Optional: true, Computed: true,
						MarkdownDescription: "Mark the extension critical, as RFC 5280 requires. Defaults to `true`.",
						PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
					},
					"permitted_dns_domains": nestedList("DNS domains names must be in: `example.com` allows it and its subdomains, `.example.com` only subdomains."),
					"excluded_dns_domains":  nestedList("DNS domains names must not be in."),
					"permitted_uri_domains": nestedList("Hosts URI SANs (and so SPIFFE trust domains) must have: `example.org` allows that host only, `.example.org` its subdomains."),
					"excluded_uri_domains":  nestedList("Hosts URI SANs must not have."),
					"permitted_ip_ranges":   nestedList("CIDR ranges IP SANs must be in, such as `10.0.0.0/8`."),
					"excluded_ip_ranges":    nestedList("CIDR ranges IP SANs must not be in."),
				},
			},
			"crl_distribution_points":  replaceList("URLs where this CA publishes its CRL (for example a `crank_crl`'s `crl_der_base64`), written as the CRL distribution points extension into every certificate this CA signs: leaves and child CAs, where relying parties look (RFC 5280 4.2.1.13). This CA's own certificate carries its parent's URLs."),
			"ocsp_servers":             replaceList("OCSP responder URLs for the certificates this CA signs, written into their Authority Information Access extension. This CA's own certificate carries its parent's."),
			"issuing_certificate_urls": replaceList("URLs where this CA's certificate can be fetched (DER), written as Authority Information Access CA issuers into every certificate it signs, so a client missing the intermediate can fetch it (RFC 5280 4.2.2.1). This CA's own certificate carries its parent's."),

			"key_storage": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(keyStorageState),
				MarkdownDescription: keyStorageDescription(),
				Validators:          []validator.String{stringvalidator.OneOf(keyStorages()...)},
			},
			"key_file": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: keyFileDescription(),
			},
			"key_passphrase_wo": schema.StringAttribute{
				Optional: true, Sensitive: true, WriteOnly: true,
				MarkdownDescription: keyPassphraseDescription(),
			},

			"cert_pem":           computedString("The CA certificate, PEM."),
			"chain_pem":          computedString("This CA's certificate followed by its parent intermediates (root excluded), PEM; what a server sends after its leaf."),
			"not_before":         computedString("Start of validity, RFC 3339."),
			"not_after":          computedString("End of validity, RFC 3339."),
			"serial":             computedString("Serial number as colon-separated hex, as `openssl x509 -serial` shows it without colons."),
			"subject_key_id":     computedString("Subject key identifier, colon-separated hex."),
			"fingerprint_sha256": computedString("SHA-256 fingerprint of the DER certificate, hex."),
			"issuer": schema.StringAttribute{
				Computed: true, Sensitive: true,
				MarkdownDescription: "Handle that `crank_certificate.issuer` and `crank_ca.parent` take. It carries the certificate chain and either the CA key (`key_storage = \"state\"`), the key file path and public key fingerprint (`key_storage = \"file\"`), or where the key is on its token and its fingerprint (`key_storage = \"pkcs11\"`). Null while an `external_parent` CA waits for its signed certificate.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
	maps.Copy(resp.Schema.Attributes, caExternalAttributes())
	maps.Copy(resp.Schema.Attributes, caPKCS11Attributes())
}

func nestedList(desc string) schema.ListAttribute {
	return schema.ListAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: desc}
}

func backticked(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = "`" + v + "`"
	}
	return out
}

// caDefaults fills the computed-with-default inputs that depend on whether
// this is a root or an intermediate.
func caDefaults(m *caModel) {
	intermediate := !m.Parent.IsNull()
	if m.Validity.IsNull() || m.Validity.IsUnknown() {
		d := defaultRootValidity
		if intermediate {
			d = defaultIntermediateValidity
		}
		m.Validity = durationOf(formatDuration(d))
	}
	if m.MaxPathLength.IsNull() || m.MaxPathLength.IsUnknown() {
		var n int64 = -1
		if intermediate {
			n = 0
		}
		m.MaxPathLength = types.Int64Value(n)
	}
	if m.NameConstraints != nil && (m.NameConstraints.Critical.IsNull() || m.NameConstraints.Critical.IsUnknown()) {
		m.NameConstraints.Critical = types.BoolValue(true)
	}
}

func (r *caResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, cfg caModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		var state caModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if handled, replace := r.planExternalUpdate(&plan, &state, &resp.Diagnostics); handled {
			resp.RequiresReplace = append(resp.RequiresReplace, replace...)
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
			return
		}
		if handled, replace := planTokenKeyStorage(&plan, &state, cfg.PKCS11PinWO, &resp.Diagnostics); handled {
			resp.RequiresReplace = append(resp.RequiresReplace, replace...)
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
			return
		}
		resp.RequiresReplace = append(resp.RequiresReplace, planKeyStorage(&plan, &state, cfg.KeyPassphraseWO, &resp.Diagnostics)...)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	resp.Diagnostics.Append(checkNewKeyFile(&plan, cfg.KeyPassphraseWO)...)
	planExternalCreate(&plan, &resp.Diagnostics)
	planNewTokenKey(&plan, cfg.PKCS11PinWO, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	caDefaults(&plan)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	// Plan-time policy: everything that can be decided before apply is.
	_, err := r.buildRequest(&plan, r.data.now())
	if err != nil {
		resp.Diagnostics.Append(policyDiag(err, path.Root("subject"), "Invalid CA configuration"))
		return
	}
	if knownString(plan.Parent) {
		parent, err := resolveIssuer(plan.Parent.ValueString())
		if err != nil {
			resp.Diagnostics.Append(diagBadParent(err))
			return
		}
		now := r.data.now()
		d, _ := parseDuration(plan.Validity.ValueString())
		tmpl := caTemplateForPolicy(now, now.Add(d))
		if err := pki.CheckCAUnderParent(tmpl, parent); err != nil {
			resp.Diagnostics.Append(policyDiag(err, path.Root("parent"), "Invalid parent CA"))
			return
		}
	}
}

// caTemplateForPolicy is the part of a CA template the parent's policy needs.
func caTemplateForPolicy(notBefore, notAfter time.Time) *x509.Certificate {
	return &x509.Certificate{NotBefore: notBefore, NotAfter: notAfter}
}

func (r *caResource) buildRequest(m *caModel, now time.Time) (pki.CARequest, error) {
	validity, err := parseDuration(m.Validity.ValueString())
	if err != nil || validity <= 0 {
		return pki.CARequest{}, &pki.PolicyError{Attribute: "validity", Value: m.Validity.ValueString(), Problem: "not a positive duration", Fix: `Use a duration such as "87600h" or "3650d"`}
	}
	req := pki.CARequest{
		Subject:       subjectName(m.Subject),
		NotBefore:     now,
		NotAfter:      now.Add(validity),
		MaxPathLength: int(m.MaxPathLength.ValueInt64()),
		Pointers: pki.Pointers{
			CRLDistributionPoints:  stringList(m.CRLDistributionPoints),
			OCSPServers:            stringList(m.OCSPServers),
			IssuingCertificateURLs: stringList(m.IssuingCertificateURLs),
		},
	}
	if nc := m.NameConstraints; nc != nil {
		req.NameConstraints = pki.NameConstraints{
			Critical:           nc.Critical.IsNull() || nc.Critical.ValueBool(),
			PermittedDNS:       stringList(nc.PermittedDNSDomains),
			ExcludedDNS:        stringList(nc.ExcludedDNSDomains),
			PermittedURIDomain: stringList(nc.PermittedURIDomains),
			ExcludedURIDomain:  stringList(nc.ExcludedURIDomains),
		}
		if req.NameConstraints.PermittedIPRanges, err = parseCIDRs("name_constraints.permitted_ip_ranges", nc.PermittedIPRanges); err != nil {
			return req, err
		}
		if req.NameConstraints.ExcludedIPRanges, err = parseCIDRs("name_constraints.excluded_ip_ranges", nc.ExcludedIPRanges); err != nil {
			return req, err
		}
	}
	return req, nil
}

func parseCIDRs(attr string, values []types.String) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, v := range stringList(values) {
		_, n, err := net.ParseCIDR(v)
		if err != nil {
			return nil, &pki.PolicyError{Attribute: attr, Value: v, Problem: "not a CIDR range", Fix: `Write ranges like "10.0.0.0/8" or "fd00::/8"`}
		}
		out = append(out, n)
	}
	return out, nil
}

func subjectName(s *subjectModel) pkix.Name {
	var n pkix.Name
	if s == nil {
		return n
	}
	n.CommonName = s.CommonName.ValueString()
	add := func(dst *[]string, v types.String) {
		if knownString(v) && v.ValueString() != "" {
			*dst = append(*dst, v.ValueString())
		}
	}
	add(&n.Organization, s.Organization)
	add(&n.OrganizationalUnit, s.OrganizationalUnit)
	add(&n.Country, s.Country)
	add(&n.Province, s.Province)
	add(&n.Locality, s.Locality)
	return n
}

func (r *caResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m caModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	caDefaults(&m)
	creq, err := r.buildRequest(&m, r.data.now().Truncate(time.Second))
	if err != nil {
		resp.Diagnostics.Append(policyDiag(err, path.Root("subject"), "Invalid CA configuration"))
		return
	}
	if m.external() {
		var cfg caModel
		resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
		if r.createExternal(ctx, &m, creq, cfg, resp); resp.Diagnostics.HasError() {
			return
		}
		m.KeyPassphraseWO, m.PKCS11PinWO = types.StringNull(), types.StringNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	}
	var parent *pki.Issuer
	if knownString(m.Parent) {
		if parent, err = resolveIssuer(m.Parent.ValueString()); err != nil {
			resp.Diagnostics.Append(diagBadParent(err))
			return
		}
	}
	var cfg caModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var adopted adoption
	if m.KeyStorage.ValueString() == keyStorageFile {
		pass, d := creationPassphrase(cfg.KeyPassphraseWO)
		if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
			return
		}
		resp.Diagnostics.Append(cleanKeyTemps(m.KeyFile.ValueString())...)
		var parentCert *x509.Certificate
		if parent != nil {
			parentCert = parent.Cert
		}
		adopted, d = findAdoptableKey(m.KeyFile.ValueString(), pass, &m, parentCert, true)
		if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
			return
		}
	}
	discard := func() {}
	if creq.Key = adopted.key; creq.Key == nil {
		key, disc, d := newCAKey(&m, cfg)
		if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
			return
		}
		creq.Key, discard = key, disc
	}
	iss, err := pki.CreateCA(creq, parent)
	if err != nil {
		discard()
		resp.Diagnostics.Append(policyDiag(err, path.Root("parent"), "Could not create the CA"))
		return
	}
	// The key file is written last, after everything that can fail, so a
	// failed create leaves no orphaned key behind; one that dies after this
	// point is adopted by the next create.
	handle, diags := storeCAKey(&m, iss, cfg.KeyPassphraseWO, adopted.key != nil)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		discard()
		return
	}
	if adopted.key != nil {
		resp.Diagnostics.Append(diagAdopted(m.KeyFile.ValueString(), adopted.record))
	}
	pki.Fault("ca-create-before-state")
	setCAOutputs(&m, iss, handle)
	m.CSRPEM = types.StringNull()
	m.KeyPassphraseWO, m.PKCS11PinWO = types.StringNull(), types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func setCAOutputs(m *caModel, iss *pki.Issuer, handle string) {
	info := pki.Describe(iss.Cert)
	m.ID = types.StringValue(info.FingerprintSHA256)
	m.CertPEM = types.StringValue(pki.EncodeCertsPEM(iss.Cert))
	m.ChainPEM = types.StringValue(pki.EncodeCertsPEM(iss.Intermediates()...))
	m.NotBefore = types.StringValue(rfc3339(info.NotBefore))
	m.NotAfter = types.StringValue(rfc3339(info.NotAfter))
	m.Serial = types.StringValue(info.Serial)
	m.SubjectKeyID = types.StringValue(info.SubjectKeyID)
	m.FingerprintSHA256 = types.StringValue(info.FingerprintSHA256)
	m.Issuer = types.StringValue(handle)
}

// Read has nothing remote to refresh: the CA lives entirely in state.
// The framework hands the prior state back unchanged when Read sets
// nothing, which keeps refreshes of large configurations cheap.
func (r *caResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update only moves the key: into a file (key_storage "state" -> "file") or
// to a new key_file path. Every other input forces replacement.
func (r *caResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, state, cfg caModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.updateExternal(ctx, &m, &state, cfg, req, resp) {
		if resp.Diagnostics.HasError() {
			return
		}
		m.KeyPassphraseWO, m.PKCS11PinWO = types.StringNull(), types.StringNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	}
	resp.Diagnostics.Append(moveCAKey(&m, &state, cfg.KeyPassphraseWO)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.KeyPassphraseWO = types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Delete removes a key file only when it provably holds this CA's key; the
// state-held key goes with the state.
func (r *caResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m caModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(removeCAKeyFile(&m)...)
	resp.Diagnostics.Append(removePendingKeyFile(&m)...)
}

// durationValidator rejects values parseDuration cannot read, at validate time.
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return "a positive duration such as 2160h or 90d"
}
func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := parseDuration(req.ConfigValue.ValueString())
	if err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", durationHelp(req.ConfigValue.ValueString(), err))
	}
}
