package provider

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var (
	_ resource.Resource                = (*certificateResource)(nil)
	_ resource.ResourceWithConfigure   = (*certificateResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*certificateResource)(nil)
	_ resource.ResourceWithImportState = (*certificateResource)(nil)
)

const defaultLeafValidity = 90 * 24 * time.Hour

type certificateResource struct{ data *providerData }

// NewCertificateResource is the crank_certificate resource factory.
func NewCertificateResource() resource.Resource { return &certificateResource{} }

type certificateModel struct {
	ID           types.String   `tfsdk:"id"`
	Issuer       types.String   `tfsdk:"issuer"`
	Service      types.String   `tfsdk:"service"`
	Subject      *subjectModel  `tfsdk:"subject"`
	TrustDomain  types.String   `tfsdk:"trust_domain"`
	SPIFFEID     types.String   `tfsdk:"spiffe_id"`
	DNSNames     []types.String `tfsdk:"dns_names"`
	IPAddresses  []types.String `tfsdk:"ip_addresses"`
	Usages       []types.String `tfsdk:"usages"`
	KeyAlgorithm types.String   `tfsdk:"key_algorithm"`
	PublicKeyPEM types.String   `tfsdk:"public_key_pem"`
	// PublicKeyPEMWO takes the public key of an ephemeral crank_private_key,
	// which Terraform only lets into write-only attributes.
	PublicKeyPEMWO types.String  `tfsdk:"public_key_pem_wo"`
	CSRPEM         types.String  `tfsdk:"csr_pem"`
	Validity       durationValue `tfsdk:"validity"`
	RenewBefore    durationValue `tfsdk:"renew_before"`

	CertPEM           types.String `tfsdk:"cert_pem"`
	ChainPEM          types.String `tfsdk:"chain_pem"`
	CABundlePEM       types.String `tfsdk:"ca_bundle_pem"`
	PrivateKeyPEM     types.String `tfsdk:"private_key_pem"`
	NotBefore         types.String `tfsdk:"not_before"`
	NotAfter          types.String `tfsdk:"not_after"`
	Serial            types.String `tfsdk:"serial"`
	FingerprintSHA256 types.String `tfsdk:"fingerprint_sha256"`
	ReadyForRenewal   types.Bool   `tfsdk:"ready_for_renewal"`

	// IncludeSPIFFEID false leaves the URI SAN out, for CAs that validate
	// only DNS names and IP addresses (ACME); null means true.
	IncludeSPIFFEID types.Bool `tfsdk:"include_spiffe_id"`
}

func (r *certificateResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_certificate"
}

func (r *certificateResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if d, ok := req.ProviderData.(*providerData); ok {
		r.data = d
	}
}

func keepState() []planmodifier.String {
	return []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
}

func (r *certificateResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	usageDefault := types.SetValueMust(types.StringType, []attr.Value{types.StringValue("client"), types.StringValue("server")})
	resp.Schema = schema.Schema{
		Version: certificateSchemaVersion,
		MarkdownDescription: "One service identity: an X.509-SVID with the URI SAN `spiffe://<trust_domain>/<service>`, signed by a `crank_ca` issuer.\n\n" +
			"The certificate is replaced by the next plan once it enters its renewal window (`renew_before` before `not_after`) or when its issuer changed. " +
			"Plans warn some days ahead (provider `renewal_warning`). Use `lifecycle { create_before_destroy = true }` so the new certificate exists before the old one goes.\n\n" +
			"Either the provider generates the key (`private_key_pem`, sensitive, kept in state) or you supply `public_key_pem` or `csr_pem` and no private key ever reaches state.\n\n" +
			"The subject is empty unless `dns_names` or `subject` is set, key usage follows the key and role, and the issuer's CRL distribution points and AIA URLs are written in; see the *Certificates every TLS stack accepts* guide. " +
			"Since schema version 1, a certificate in state whose common name (the service name, as earlier releases wrote it) Java or GnuTLS would reject under its issuer's name constraints is replaced by the next plan, with a warning; others keep their subject until renewal.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("Serial number of the certificate."),
			"issuer": schema.StringAttribute{
				Required: true, Sensitive: true,
				MarkdownDescription: "The `issuer` attribute of the `crank_ca` that signs this certificate. A change of issuer key re-issues the certificate.",
			},
			"service": schema.StringAttribute{
				Required: true, PlanModifiers: requiresReplaceString(),
				MarkdownDescription: "Service name: the path of the SPIFFE ID, and the default `friendlyName` of `pkcs12_encode`. It may have several segments (`payments/billing`).",
			},
			"subject": leafSubjectSchema(),
			"trust_domain": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: keepState(),
				MarkdownDescription: "SPIFFE trust domain. Defaults to the provider's `trust_domain`.",
			},
			"spiffe_id": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: keepState(),
				MarkdownDescription: "SPIFFE ID written as the only URI SAN. Defaults to `spiffe://<trust_domain>/<service>`; an explicit value is validated by the SPIFFE ID rules.",
			},
			"include_spiffe_id": schema.BoolAttribute{
				Optional: true, PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
				MarkdownDescription: "Write `spiffe_id` as the certificate's URI SAN (the default). Set `false` for an issuer that can only certify DNS names and IP addresses, such as `crank_acme_issuer`: ACME has no identifier type for a URI, so such a CA would drop or refuse it (and a `csr_pem` for it must carry no URI SAN). `spiffe_id` is then still computed, but peers see only the DNS and IP SANs.",
			},
			"dns_names": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "DNS SANs, for example `billing.internal`.",
				PlanModifiers:       []planmodifier.List{listplanmodifier.RequiresReplace()},
			},
			"ip_addresses": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "IP SANs, for example `10.0.0.12`.",
				PlanModifiers:       []planmodifier.List{listplanmodifier.RequiresReplace()},
			},
			"usages": schema.SetAttribute{
				ElementType: types.StringType, Optional: true, Computed: true, Default: setdefault.StaticValue(usageDefault),
				MarkdownDescription: "TLS roles: `server` (serverAuth) and/or `client` (clientAuth). Defaults to both, which mutual TLS between services needs.",
				PlanModifiers:       []planmodifier.Set{setplanmodifier.RequiresReplace()},
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.OneOf(pki.Usages()...))},
			},
			"key_algorithm": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: keepState(),
				MarkdownDescription: "Key type generated by the provider. Accepted values: " + strings.Join(backticked(pki.KeyAlgorithms()), ", ") + ". Defaults to `" + string(pki.DefaultKeyAlgorithm) + "`, or to the type of a supplied key.",
				Validators:          []validator.String{stringvalidator.OneOf(pki.KeyAlgorithms()...)},
			},
			"public_key_pem": schema.StringAttribute{
				Optional: true, PlanModifiers: []planmodifier.String{sameKeyAsImported()},
				MarkdownDescription: "Certify this public key (PEM `PUBLIC KEY`) instead of generating a key. No private key is stored in state.",
				Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("csr_pem"))},
			},
			"public_key_pem_wo": schema.StringAttribute{
				Optional: true, WriteOnly: true,
				MarkdownDescription: "Write-only form of `public_key_pem`, for the ephemeral `crank_private_key.public_key_pem` (Terraform admits ephemeral values only into write-only attributes). " +
					"It is read when the certificate is issued — on create, renewal or issuer change — and not compared afterwards, since an ephemeral key is new on every run. " +
					"Deliver the matching private key in the same apply through a write-only attribute whose version is this certificate's `serial`. Requires Terraform 1.11 or OpenTofu 1.11.",
				Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("public_key_pem"), path.MatchRoot("csr_pem"))},
			},
			"csr_pem": schema.StringAttribute{
				Optional: true, PlanModifiers: []planmodifier.String{sameKeyAsImported()},
				MarkdownDescription: "Certify the key of this PKCS#10 request (its signature is checked). Only the key is taken from it; names come from this resource. No private key is stored in state. " +
					"An issuer that signs only requests (`crank_stepca_issuer`, `crank_acme_issuer`) receives this request as it is, and the CA checks it: its SANs must then be exactly this certificate's (for step-ca the SPIFFE ID, `dns_names` and `ip_addresses`; for ACME `dns_names` and `ip_addresses`) and its common name empty or the one crank writes.",
			},
			"validity": schema.StringAttribute{
				CustomType: durationType{},
				Optional:   true, Computed: true, Default: stringdefault.StaticString(formatDuration(defaultLeafValidity)),
				MarkdownDescription: "Lifetime from issuance, such as `2160h` or `90d`. Defaults to `90d`. May not reach past the issuer's `not_after`. " + durationSpellingNote,
				PlanModifiers:       requiresReplaceIfDurationChanged(),
				Validators:          []validator.String{durationValidator{}},
			},
			"renew_before": schema.StringAttribute{
				CustomType: durationType{},
				Optional:   true, Computed: true, PlanModifiers: keepState(),
				MarkdownDescription: "Start of the renewal window before `not_after`. Defaults to one third of `validity`. " + durationSpellingNote,
				Validators:          []validator.String{durationValidator{}},
			},

			"cert_pem":           computedString("The certificate, PEM."),
			"chain_pem":          computedString("The certificate followed by its intermediates (root excluded), PEM: what a TLS server or client presents."),
			"ca_bundle_pem":      computedString("The root CA certificate, PEM: what peers trust."),
			"not_before":         computedString("Start of validity, RFC 3339."),
			"not_after":          computedString("End of validity, RFC 3339."),
			"serial":             computedString("Serial number, colon-separated hex."),
			"fingerprint_sha256": computedString("SHA-256 fingerprint of the DER certificate, hex."),
			"private_key_pem": schema.StringAttribute{
				Computed: true, Sensitive: true, PlanModifiers: keepState(),
				MarkdownDescription: "PKCS#8 private key generated by the provider; null when `public_key_pem` or `csr_pem` is supplied.",
			},
			"ready_for_renewal": schema.BoolAttribute{
				Computed: true, PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "True once the certificate is inside its renewal window or its issuer changed; recomputed on every refresh. The next plan then replaces it.",
			},
		},
	}
}

// wanted holds the derived inputs of a certificate, computed identically at
// plan and apply time.
type wanted struct {
	trustDomain  string
	spiffeID     pki.SPIFFEID
	keyAlgorithm pki.KeyAlgorithm
	suppliedKey  crypto.PublicKey
	// suppliedCSR is csr_pem parsed: a backend that signs only requests
	// (step-ca) receives it as the proof of possession.
	suppliedCSR *x509.CertificateRequest
	// keyAttr names the attribute the supplied key came from.
	keyAttr     string
	validity    time.Duration
	renewBefore time.Duration
}

// derive computes trust domain, SPIFFE ID, key algorithm and renewal window
// from the configuration. known is false when an input is not known yet.
func (r *certificateResource) derive(cfg *certificateModel) (w wanted, known bool, diags diag.Diagnostics) {
	if cfg.Service.IsUnknown() || cfg.TrustDomain.IsUnknown() || cfg.SPIFFEID.IsUnknown() || cfg.PublicKeyPEM.IsUnknown() || cfg.PublicKeyPEMWO.IsUnknown() || cfg.CSRPEM.IsUnknown() || cfg.Validity.IsUnknown() || cfg.RenewBefore.IsUnknown() {
		return w, false, nil
	}
	var err error
	w.validity, err = parseDuration(cfg.Validity.ValueString())
	if cfg.Validity.IsNull() {
		w.validity, err = defaultLeafValidity, nil
	}
	if err != nil || w.validity <= 0 {
		diags.AddAttributeError(path.Root("validity"), "Invalid duration", durationHelp(cfg.Validity.ValueString(), err))
		return w, false, diags
	}
	w.renewBefore = w.validity / 3
	if cfg.RenewBefore.known() {
		w.renewBefore, _ = parseDuration(cfg.RenewBefore.ValueString())
		if w.renewBefore >= w.validity {
			diags.AddAttributeError(path.Root("renew_before"), "Renewal window too long",
				fmt.Sprintf("renew_before = %q is not shorter than validity = %q, so the certificate would be renewed on every plan. Use a shorter renew_before, for example a third of the validity.", cfg.RenewBefore.ValueString(), formatDuration(w.validity)))
			return w, false, diags
		}
	}

	if knownString(cfg.SPIFFEID) {
		id, err := pki.ParseSPIFFEID(cfg.SPIFFEID.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("spiffe_id"), "Invalid SPIFFE ID", err.Error()+". Write it as spiffe://<trust-domain>/<path>, for example spiffe://prod.example.org/billing.")
			return w, false, diags
		}
		if id.Path == "" {
			diags.AddAttributeError(path.Root("spiffe_id"), "Invalid SPIFFE ID", fmt.Sprintf("%q names a trust domain, not a workload; X.509-SVIDs need a path such as %s/billing.", id.String(), id.String()))
			return w, false, diags
		}
		if knownString(cfg.TrustDomain) && cfg.TrustDomain.ValueString() != id.TrustDomain {
			diags.AddAttributeError(path.Root("trust_domain"), "Trust domain conflicts with spiffe_id",
				fmt.Sprintf("trust_domain = %q but spiffe_id %q is in trust domain %q. Remove trust_domain or make them agree.", cfg.TrustDomain.ValueString(), id.String(), id.TrustDomain))
			return w, false, diags
		}
		w.spiffeID, w.trustDomain = id, id.TrustDomain
	} else {
		w.trustDomain = r.data.trustDomain
		if knownString(cfg.TrustDomain) {
			w.trustDomain = cfg.TrustDomain.ValueString()
		}
		if w.trustDomain == "" {
			diags.AddAttributeError(path.Root("trust_domain"), "No trust domain",
				"Neither this resource nor the provider sets trust_domain, so no SPIFFE ID can be built. Set trust_domain in the provider block (for example trust_domain = \"prod.example.org\") or on this resource, or set spiffe_id.")
			return w, false, diags
		}
		if err := pki.ValidateTrustDomain(w.trustDomain); err != nil {
			diags.AddAttributeError(path.Root("trust_domain"), "Invalid trust domain", err.Error())
			return w, false, diags
		}
		id, err := pki.ServiceSPIFFEID(w.trustDomain, cfg.Service.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("service"), "Service name cannot form a SPIFFE ID",
				err.Error()+". Use letters, digits, '.', '-', '_' and '/' between segments, for example \"billing\" or \"payments/billing\".")
			return w, false, diags
		}
		w.spiffeID = id
	}

	switch {
	case knownString(cfg.PublicKeyPEM):
		w.suppliedKey, err = pki.ParsePublicKeyPEM(cfg.PublicKeyPEM.ValueString())
		w.keyAttr = "public_key_pem"
		if err != nil {
			diags.AddAttributeError(path.Root("public_key_pem"), "Invalid public key", err.Error())
			return w, false, diags
		}
	case knownString(cfg.PublicKeyPEMWO):
		w.suppliedKey, err = pki.ParsePublicKeyPEM(cfg.PublicKeyPEMWO.ValueString())
		w.keyAttr = "public_key_pem_wo"
		if err != nil {
			diags.AddAttributeError(path.Root("public_key_pem_wo"), "Invalid public key", err.Error())
			return w, false, diags
		}
	case knownString(cfg.CSRPEM):
		csr, err := pki.ParseCSRPEM(cfg.CSRPEM.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("csr_pem"), "Invalid certificate request", err.Error())
			return w, false, diags
		}
		w.suppliedKey, w.suppliedCSR, w.keyAttr = csr.PublicKey, csr, "csr_pem"
	}
	w.keyAlgorithm = pki.DefaultKeyAlgorithm
	if w.suppliedKey != nil {
		alg, err := pki.AlgorithmOf(w.suppliedKey)
		if err != nil {
			attrName := "public_key_pem"
			if knownString(cfg.CSRPEM) {
				attrName = "csr_pem"
			}
			diags.AddAttributeError(path.Root(attrName), "Key not accepted", err.Error())
			return w, false, diags
		}
		if knownString(cfg.KeyAlgorithm) && cfg.KeyAlgorithm.ValueString() != string(alg) {
			diags.AddAttributeError(path.Root("key_algorithm"), "Key algorithm does not match the supplied key",
				fmt.Sprintf("key_algorithm = %q but the supplied key is %s. Remove key_algorithm (it follows the supplied key) or supply a %s key.", cfg.KeyAlgorithm.ValueString(), alg, cfg.KeyAlgorithm.ValueString()))
			return w, false, diags
		}
		w.keyAlgorithm = alg
	} else if knownString(cfg.KeyAlgorithm) {
		w.keyAlgorithm = pki.KeyAlgorithm(cfg.KeyAlgorithm.ValueString())
	}
	return w, true, diags
}

func parseIPs(values []types.String) ([]net.IP, error) {
	var out []net.IP
	for _, v := range stringList(values) {
		ip := net.ParseIP(v)
		if ip == nil {
			return nil, &pki.PolicyError{Attribute: "ip_addresses", Value: v, Problem: "not an IP address", Fix: `Write addresses like "10.0.0.12" or "fd00::12"`}
		}
		out = append(out, ip)
	}
	return out, nil
}

func (w wanted) leafRequest(cfg *certificateModel, now time.Time) (pki.LeafRequest, error) {
	ips, err := parseIPs(cfg.IPAddresses)
	if err != nil {
		return pki.LeafRequest{}, err
	}
	for _, name := range stringList(cfg.DNSNames) {
		if err := validateDNSName(name); err != nil {
			return pki.LeafRequest{}, &pki.PolicyError{Attribute: "dns_names", Value: name, Problem: err.Error(), Fix: "Use a host name such as billing.internal"}
		}
	}
	var usages []pki.Usage
	for _, u := range stringList(cfg.Usages) {
		usages = append(usages, pki.Usage(u))
	}
	if cfg.Usages == nil {
		usages = []pki.Usage{pki.UsageClient, pki.UsageServer}
	}
	subject := pki.DefaultLeafSubject(stringList(cfg.DNSNames))
	if cfg.Subject != nil {
		subject = subjectName(cfg.Subject)
	}
	var uris []*url.URL
	if cfg.IncludeSPIFFEID.IsNull() || cfg.IncludeSPIFFEID.ValueBool() {
		uris = []*url.URL{pki.SPIFFEURL(w.spiffeID)}
	}
	return pki.LeafRequest{
		Subject:     subject,
		PublicKey:   w.suppliedKey,
		URIs:        uris,
		DNSNames:    stringList(cfg.DNSNames),
		IPAddresses: ips,
		Usages:      usages,
		NotBefore:   now,
		NotAfter:    now.Add(w.validity),
	}, nil
}

func validateDNSName(name string) error {
	if name == "" || len(name) > 253 {
		return fmt.Errorf("must be 1 to 253 characters")
	}
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	for i, l := range labels {
		if l == "*" && i == 0 && len(labels) > 2 {
			continue
		}
		if l == "" || len(l) > 63 {
			return fmt.Errorf("label %q must be 1 to 63 characters", l)
		}
		for _, c := range l {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("label %q has the character %q; only letters, digits and '-' are allowed (a '*' only as the whole first label)", l, c)
			}
		}
		if strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return fmt.Errorf("label %q may not start or end with '-'", l)
		}
	}
	return nil
}

func (r *certificateResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	// A resource whose plan equals its state (the common case: a no-op plan
	// over many certificates) only needs the renewal decision, which reads a
	// few raw attributes; the full model conversions would dominate plan time.
	if !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw) {
		r.modifyUnchangedPlan(ctx, req, resp)
		return
	}
	var cfg, plan certificateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *certificateModel
	if !req.State.Raw.IsNull() {
		state = &certificateModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	w, known, diags := r.derive(&cfg)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	now := r.data.now()
	var replace []path.Path
	setDerived := func(attr string, dst *types.String, value string) {
		if state != nil && knownString(*dst) && dst.ValueString() != value {
			replace = append(replace, path.Root(attr))
		}
		*dst = types.StringValue(value)
	}
	if known {
		setDerived("trust_domain", &plan.TrustDomain, w.trustDomain)
		setDerived("spiffe_id", &plan.SPIFFEID, w.spiffeID.String())
		setDerived("key_algorithm", &plan.KeyAlgorithm, string(w.keyAlgorithm))
		if cfg.RenewBefore.IsNull() {
			// Only the computed default is provider-spelled; a configured
			// value must reach the plan exactly as written.
			plan.RenewBefore = durationOf(formatDuration(w.renewBefore))
		}
		if state == nil && w.suppliedKey != nil {
			plan.PrivateKeyPEM = types.StringNull()
		}
		if knownString(plan.Issuer) {
			resp.Diagnostics.Append(r.planTimePolicy(&plan, w, now)...)
			if resp.Diagnostics.HasError() {
				return
			}
		}
	}

	if state != nil {
		replace = append(replace, r.renewalChecks(&plan, state, w, known, now, &resp.Diagnostics)...)
		if state.ChainPEM.IsNull() || state.CABundlePEM.IsNull() {
			// Imported from a file without its chain: Update derives both
			// from the issuer the configuration names.
			plan.ChainPEM, plan.CABundlePEM = types.StringUnknown(), types.StringUnknown()
		}
	}
	resp.RequiresReplace = append(resp.RequiresReplace, replace...)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planTimePolicy runs the issuance policy against the issuer's certificates
// so a bad name or validity fails the plan, not the apply.
func (r *certificateResource) planTimePolicy(plan *certificateModel, w wanted, now time.Time) diag.Diagnostics {
	var diags diag.Diagnostics
	iss, err := planIssuer(plan.Issuer.ValueString())
	if err != nil {
		diags.Append(diagBadIssuer(err))
		return diags
	}
	issCert := iss.Cert
	lr, err := w.leafRequest(plan, now)
	if err != nil {
		diags.Append(policyDiag(err, path.Root("issuer"), "Invalid certificate configuration"))
		return diags
	}
	remoteReq := lr
	if lr.PublicKey == nil {
		// Any accepted key passes the key checks; use the issuer's to run the rest.
		lr.PublicKey = issCert.PublicKey
	}
	if err := pki.CheckLeaf(iss, lr); err != nil {
		diags.Append(policyDiag(err, path.Root("issuer"), "Issuance policy refused the certificate"))
		return diags
	}
	diags.Append(checkBackendFields(plan.Issuer.ValueString(), remoteReq)...)
	if w.suppliedKey != nil {
		diags.Append(checkSuppliedRequest(plan.Issuer.ValueString(), w.suppliedCSR, w.keyAttr, remoteReq)...)
	}
	if !diags.HasError() {
		diags.Append(checkRemoteRequest(plan.Issuer.ValueString(), remoteReq, w.keyAlgorithm)...)
	}
	return diags
}

// renewalChecks decides whether an existing certificate must be replaced
// because it is due for renewal or its issuer changed, and warns ahead.
func (r *certificateResource) renewalChecks(plan, state *certificateModel, w wanted, known bool, now time.Time, diags *diag.Diagnostics) []path.Path {
	leaf, err := pki.ParseCertPEM(state.CertPEM.ValueString())
	if err != nil {
		// A state we cannot read is re-issued rather than trusted.
		plan.ReadyForRenewal = types.BoolValue(!state.ReadyForRenewal.ValueBool())
		return []path.Path{path.Root("ready_for_renewal")}
	}
	addr := plan.Service.ValueString()

	if plan.Issuer.IsUnknown() {
		return []path.Path{path.Root("issuer")}
	}
	// One decode of the issuer serves both checks below.
	issCert, parents, issErr := issuerCertificates(plan.Issuer.ValueString())
	if issErr == nil && !bytes.Equal(issCert.SubjectKeyId, leaf.AuthorityKeyId) {
		plan.ReadyForRenewal = types.BoolValue(true)
		diags.AddAttributeWarning(path.Root("issuer"), "Certificate will be re-issued: its issuer changed",
			fmt.Sprintf("The certificate for %q was signed by a key with identifier %s, but the issuer now has %s. It will be replaced so it chains to the current issuer.", addr, pki.HexID(leaf.AuthorityKeyId), pki.HexID(issCert.SubjectKeyId)))
		return []path.Path{path.Root("issuer")}
	}

	if issErr == nil {
		if replace := subjectChecks(plan, state, leaf, append([]*x509.Certificate{issCert}, parents...), diags); replace != nil {
			return replace
		}
	}

	renewBefore := state.renewBeforeOr(leaf)
	if known {
		renewBefore = w.renewBefore
	}
	windowStart := leaf.NotAfter.Add(-renewBefore)
	why := ""
	if start, ok := renewalInfoStart(plan.Issuer.ValueString(), leaf, diags); ok && start.Before(windowStart) {
		windowStart, why = start, " (the CA's renewal information, RFC 9773, asks for renewal from then, before renew_before would)"
	}
	if !now.Before(windowStart) {
		// Terraform only honours a replacement on a path whose value changes.
		// A refresh has usually set the state to true already, so plan the
		// value the new certificate will have; without a refresh, plan true.
		plan.ReadyForRenewal = types.BoolValue(!state.ReadyForRenewal.ValueBool())
		diags.AddWarning("Certificate will be renewed",
			fmt.Sprintf("The certificate for %q expires at %s and has been inside its renewal window since %s%s; this plan replaces it.", addr, rfc3339(leaf.NotAfter), rfc3339(windowStart), why))
		return []path.Path{path.Root("ready_for_renewal")}
	}
	if warnFrom := windowStart.Add(-r.data.renewalWarning); !now.Before(warnFrom) {
		diags.AddWarning("Certificate renewal is near",
			fmt.Sprintf("The certificate for %q enters its renewal window at %s (expires %s); a plan after that time replaces it. Keep lifecycle { create_before_destroy = true } on it.", addr, rfc3339(windowStart), rfc3339(leaf.NotAfter)))
	}
	plan.ReadyForRenewal = types.BoolValue(false)
	return nil
}

func (m *certificateModel) renewBeforeOr(leaf *x509.Certificate) time.Duration {
	if d, err := parseDuration(m.RenewBefore.ValueString()); err == nil {
		return d
	}
	return leaf.NotAfter.Sub(leaf.NotBefore) / 3
}

func (r *certificateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var cfg, m certificateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	w, _, diags := r.derive(&cfg)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if _, _, err := issuerCertificates(m.Issuer.ValueString()); err != nil {
		resp.Diagnostics.Append(diagBadIssuer(err))
		return
	}
	now := r.data.now().Truncate(time.Second)
	lr, err := w.leafRequest(&m, now)
	if err != nil {
		resp.Diagnostics.Append(policyDiag(err, path.Root("issuer"), "Invalid certificate configuration"))
		return
	}
	m.PrivateKeyPEM = types.StringNull()
	var leafKey crypto.Signer
	if lr.PublicKey == nil {
		key, err := pki.GenerateKey(w.keyAlgorithm)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("key_algorithm"), "Key generation failed", err.Error())
			return
		}
		keyPEM, err := pki.EncodePrivateKeyPEM(key)
		if err != nil {
			resp.Diagnostics.AddError("Could not encode the private key", err.Error())
			return
		}
		lr.PublicKey, leafKey = key.Public(), key
		m.PrivateKeyPEM = types.StringValue(keyPEM)
	}
	issued, err := issueThrough(m.Issuer.ValueString(), lr, leafKey, w.suppliedCSR)
	if err != nil {
		resp.Diagnostics.Append(issueDiag(err))
		return
	}
	leaf := issued.Certificate
	m.TrustDomain = types.StringValue(w.trustDomain)
	m.SPIFFEID = types.StringValue(w.spiffeID.String())
	m.KeyAlgorithm = types.StringValue(string(w.keyAlgorithm))
	if cfg.RenewBefore.IsNull() {
		m.RenewBefore = durationOf(formatDuration(w.renewBefore))
	}
	info := pki.Describe(leaf)
	m.ID = types.StringValue(info.Serial)
	m.CertPEM = types.StringValue(pki.EncodeCertsPEM(leaf))
	m.ChainPEM = types.StringValue(pki.EncodeCertsPEM(append([]*x509.Certificate{leaf}, issued.Intermediates...)...))
	m.CABundlePEM = types.StringValue(pki.EncodeCertsPEM(issued.Root))
	m.NotBefore = types.StringValue(rfc3339(info.NotBefore))
	m.NotAfter = types.StringValue(rfc3339(info.NotAfter))
	m.Serial = types.StringValue(info.Serial)
	m.FingerprintSHA256 = types.StringValue(info.FingerprintSHA256)
	m.ReadyForRenewal = types.BoolValue(false)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// renewalAttributes reads, straight from the raw object, the attributes the
// renewal decision needs; cheap enough to run for every certificate of a plan.
func renewalAttributes(raw tftypes.Value) (certificateModel, error) {
	var obj map[string]tftypes.Value
	if err := raw.As(&obj); err != nil {
		return certificateModel{}, err
	}
	str := func(name string) types.String {
		var s *string
		if v, ok := obj[name]; ok && v.IsKnown() {
			if err := v.As(&s); err == nil && s != nil {
				return types.StringValue(*s)
			}
		}
		return types.StringNull()
	}
	ready := types.BoolNull()
	if v, ok := obj["ready_for_renewal"]; ok && v.IsKnown() {
		var b *bool
		if err := v.As(&b); err == nil && b != nil {
			ready = types.BoolValue(*b)
		}
	}
	return certificateModel{
		Issuer:          str("issuer"),
		Service:         str("service"),
		CertPEM:         str("cert_pem"),
		RenewBefore:     durationValue{StringValue: str("renew_before")},
		ReadyForRenewal: ready,
	}, nil
}

// modifyUnchangedPlan decides renewal for a certificate whose configuration
// did not change, touching only ready_for_renewal when renewal is due.
func (r *certificateResource) modifyUnchangedPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	state, err := renewalAttributes(req.State.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the certificate state", err.Error())
		return
	}
	plan := state
	replace := r.renewalChecks(&plan, &state, wanted{}, false, r.data.now(), &resp.Diagnostics)
	if len(replace) == 0 {
		return
	}
	resp.RequiresReplace = append(resp.RequiresReplace, replace...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("ready_for_renewal"), plan.ReadyForRenewal)...)
}

// Read recomputes ready_for_renewal so a refresh shows when renewal is due.
// Only that attribute can change, so the rest of the state is left as is.
func (r *certificateResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	m, err := renewalAttributes(req.State.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Could not read the certificate state", err.Error())
		return
	}
	leaf, err := pki.ParseCertPEM(m.CertPEM.ValueString())
	if err != nil {
		return
	}
	due := !r.data.now().Before(leaf.NotAfter.Add(-m.renewBeforeOr(leaf)))
	if m.ReadyForRenewal.IsNull() || m.ReadyForRenewal.ValueBool() != due {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ready_for_renewal"), types.BoolValue(due))...)
	}
}

// Update handles the in-place changes: a new renew_before, or an issuer
// handle that changed without changing the signing key.
func (r *certificateResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state certificateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.Issuer = plan.Issuer
	state.RenewBefore = plan.RenewBefore
	state.ReadyForRenewal = types.BoolValue(false)
	state.PublicKeyPEM, state.CSRPEM = plan.PublicKeyPEM, plan.CSRPEM
	if plan.ChainPEM.IsUnknown() || plan.CABundlePEM.IsUnknown() {
		// An imported certificate learns its chain from the issuer the
		// configuration names.
		if leaf, err := pki.ParseCertPEM(state.CertPEM.ValueString()); err == nil {
			if issCert, parents, err := issuerCertificates(plan.Issuer.ValueString()); err == nil {
				iss := &pki.Issuer{Cert: issCert, Parents: parents}
				state.ChainPEM = types.StringValue(pki.EncodeCertsPEM(append([]*x509.Certificate{leaf}, iss.Intermediates()...)...))
				state.CABundlePEM = types.StringValue(pki.EncodeCertsPEM(iss.Root()))
			}
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete revokes the certificate through its CA's API when the issuer
// handle opted in (revoke_on_destroy of crank_stepca_issuer); otherwise the
// certificate simply leaves state. A revocation that fails keeps the
// certificate in state, so a destroy never silently leaves it valid.
func (r *certificateResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	m, err := renewalAttributes(req.State.Raw)
	if err != nil || !knownString(m.Issuer) {
		return
	}
	resp.Diagnostics.Append(revokeOnDestroy(ctx, m.Issuer.ValueString(), m.CertPEM.ValueString(), r.data.now())...)
}
