package provider

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var (
	_ resource.Resource               = (*crlResource)(nil)
	_ resource.ResourceWithConfigure  = (*crlResource)(nil)
	_ resource.ResourceWithModifyPlan = (*crlResource)(nil)
)

// defaultCRLNextUpdate is the CRL lifetime when next_update is not set: a
// week, the usual publication interval of small private CAs.
const defaultCRLNextUpdate = 7 * 24 * time.Hour

// Where a revocation entry comes from.
const (
	crlSourceRevoked = "revoked"
	crlSourceTracked = "tracked"
)

type crlResource struct{ data *providerData }

// NewCRLResource is the crank_crl resource factory.
func NewCRLResource() resource.Resource { return &crlResource{} }

type crlModel struct {
	ID                  types.String  `tfsdk:"id"`
	Issuer              types.String  `tfsdk:"issuer"`
	Revoked             types.List    `tfsdk:"revoked"`
	NextUpdate          durationValue `tfsdk:"next_update"`
	TrackedCertificates types.List    `tfsdk:"tracked_certificates"`

	CRLPEM         types.String `tfsdk:"crl_pem"`
	CRLDERBase64   types.String `tfsdk:"crl_der_base64"`
	CRLNumber      types.Int64  `tfsdk:"crl_number"`
	ThisUpdate     types.String `tfsdk:"this_update"`
	NextUpdateAt   types.String `tfsdk:"next_update_at"`
	RevokedSerials types.List   `tfsdk:"revoked_serials"`
	Revocations    types.List   `tfsdk:"revocations"`
}

// crlRevokedModel is one entry of the revoked input.
type crlRevokedModel struct {
	Serial         types.String `tfsdk:"serial"`
	CertificatePEM types.String `tfsdk:"certificate_pem"`
	Reason         types.String `tfsdk:"reason"`
	RevokedAt      types.String `tfsdk:"revoked_at"`
}

// crlRevocation is one entry of the signed CRL as kept in state: the
// explicit entries and the certificates that left tracked_certificates.
type crlRevocation struct {
	Serial              string `tfsdk:"serial"`
	Reason              string `tfsdk:"reason"`
	RevokedAt           string `tfsdk:"revoked_at"`
	Source              string `tfsdk:"source"`
	CertificateNotAfter string `tfsdk:"certificate_not_after"`
	// fresh marks an entry whose time is "now": it is only known at apply.
	fresh bool `tfsdk:"-"`
}

var crlRevocationType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"serial":                types.StringType,
	"reason":                types.StringType,
	"revoked_at":            types.StringType,
	"source":                types.StringType,
	"certificate_not_after": types.StringType,
}}

func (r *crlResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_crl"
}

func (r *crlResource) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if d, ok := req.ProviderData.(*providerData); ok {
		r.data = d
	}
}

func (r *crlResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	optional := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A complete X.509 v2 certificate revocation list signed by a `crank_ca`, with the CRL number and authority key identifier extensions. " +
			"Publish `crl_pem` or `crl_der_base64` where relying parties fetch it (the CA's `crl_distribution_points`).\n\n" +
			"The CRL is signed again, with the next `crl_number`, by the first plan inside the last third of its lifetime (`next_update`) and whenever the set of revoked certificates or the issuer changes. " +
			"A CRL is only as fresh as the last apply: run plan and apply at least every `next_update / 3` (a scheduled pipeline), or relying parties that check CRLs start failing once `next_update_at` passes.\n\n" +
			"**Revoke on destroy.** A certificate opts in by being listed in `tracked_certificates` (for example `crank_certificate.billing.cert_pem`). The CRL keeps that list in its state; " +
			"when a certificate disappears from it, because the certificate resource was destroyed or replaced (renewal, issuer change), the CRL's next plan lists its serial with reason `superseded` " +
			"(a tracked certificate with the same identity replaced it) or `cessationOfOperation` (it is gone), and keeps it listed until the certificate would have expired. " +
			"This happens when the CRL is planned, not inside the certificate's own destroy: a certificate removed from the configuration without also being removed from `tracked_certificates` leaves a dangling reference Terraform refuses to plan. " +
			"Removing a certificate from `tracked_certificates` revokes it even if the certificate resource stays.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("Subject key identifier of the issuer, colon-separated hex."),
			"issuer": schema.StringAttribute{
				Required: true, Sensitive: true,
				MarkdownDescription: "The `issuer` attribute of the `crank_ca` that signs the CRL; both `key_storage = \"state\"` and `\"file\"` work (a file-backed key is read with `" + pki.KeyPassphraseEnv + "`). The CA needs the cRLSign key usage, which every `crank_ca` has. " +
					"A remote CA's issuer (`crank_stepca_issuer.issuer`) works too, differently: crank cannot sign for it, so each entry is revoked through the CA's API at apply and the resource exposes the CA's own CRL (step-ca's `/1.0/crl`, checked against its intermediate) as `crl_pem`, with the CA's number and times. " +
					"The plan then fails on what the CA decides itself (`next_update`, `revoked_at`) and when the CA serves no CRL; removing an entry does not un-revoke it (the plan warns).",
			},
			"revoked": schema.ListNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Certificates to revoke. Each entry names a certificate of this issuer by `serial`, `certificate_pem` or both.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"serial":          optional("Serial number: colon-separated hex as `crank_certificate.serial` prints it (`4F:1A:...`), plain hex as `openssl x509 -serial` prints it (`4F1A...`, or `0x4f1a...`), or decimal. A string of digits only is read as decimal."),
					"certificate_pem": optional("The certificate itself, PEM. Its authority key identifier must be this issuer's subject key identifier, so a certificate of another CA is refused; its serial is used, and must equal `serial` when both are set."),
					"reason": optional("RFC 5280 revocation reason. Accepted values: " + strings.Join(backticked(pki.RevocationReasons()), ", ") +
						". Defaults to `unspecified`, which is written as no reason code, as RFC 5280 asks. `removeFromCRL` is refused: it only has a meaning in delta CRLs."),
					"revoked_at": optional("Revocation time, RFC 3339 (`2025-06-01T12:00:00Z`). Defaults to when the entry was first listed, remembered in state."),
				}},
			},
			"next_update": schema.StringAttribute{
				CustomType: durationType{},
				Optional:   true, Computed: true, Default: stringdefault.StaticString(formatDuration(defaultCRLNextUpdate)),
				MarkdownDescription: "Lifetime of each signed CRL: `next_update_at` is `this_update` plus this duration, such as `168h` or `7d`. Defaults to `7d`. " + durationSpellingNote,
				Validators:          []validator.String{durationValidator{}},
			},
			"tracked_certificates": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Certificates (PEM) of this issuer that are revoked once they leave this list, for example `[crank_certificate.billing.cert_pem]`. See \"Revoke on destroy\" above.",
			},

			"crl_pem":        computedString("The signed CRL, PEM (`X509 CRL`)."),
			"crl_der_base64": computedString("The signed CRL, base64 DER, the form usually served over HTTP (`application/pkix-crl`)."),
			"this_update":    computedString("When the current CRL was signed, RFC 3339."),
			"next_update_at": computedString("When the current CRL expires, RFC 3339."),
			"crl_number": schema.Int64Attribute{
				Computed: true, MarkdownDescription: "CRL number, 1 for the first CRL and one more for every regeneration, so relying parties can tell the newest.",
			},
			"revoked_serials": schema.ListAttribute{
				ElementType: types.StringType, Computed: true,
				MarkdownDescription: "Serials the CRL lists, explicit and tracked ones, colon-separated hex in serial order.",
			},
			"revocations": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Every entry of the CRL as crank keeps it in state, in serial order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"serial":                schema.StringAttribute{Computed: true, MarkdownDescription: "Serial, colon-separated hex."},
					"reason":                schema.StringAttribute{Computed: true, MarkdownDescription: "RFC 5280 reason name."},
					"revoked_at":            schema.StringAttribute{Computed: true, MarkdownDescription: "Revocation time, RFC 3339."},
					"source":                schema.StringAttribute{Computed: true, MarkdownDescription: "`revoked` for an entry of `revoked`, `tracked` for a certificate that left `tracked_certificates`."},
					"certificate_not_after": schema.StringAttribute{Computed: true, MarkdownDescription: "Expiry of the revoked certificate when crank knows it (empty otherwise); a tracked entry is dropped after it."},
				}},
			},
		},
	}
}

// crlInputs is everything the revoked set is computed from, identical at
// plan and apply time.
type crlInputs struct {
	issuer       *x509.Certificate
	revoked      []crlRevokedModel
	tracked      []types.String
	priorIssuer  string // subject key identifier of the issuer the prior CRL was signed by
	priorTracked []types.String
	prior        []crlRevocation
	now          time.Time
	// planned holds the serials the plan showed; apply keeps them even if a
	// tracked certificate expired in between, so the result matches the plan.
	planned map[string]bool
}

// policyDetail words a pki refusal with the full attribute path of the
// entry at fault, for example revoked[2].serial.
func policyDetail(err error, attribute string) string {
	var pe *pki.PolicyError
	if errors.As(err, &pe) {
		named := *pe
		named.Attribute = attribute
		if named.Value == "" {
			return attribute + ": " + named.Error() + "."
		}
		return named.Error() + "."
	}
	return attribute + ": " + err.Error() + "."
}

func diagCRLInput(attr path.Path, summary, detail string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(attr, summary, detail)
}

// effectiveRevocations computes the entries of the CRL: the explicit ones,
// then the certificates that left tracked_certificates and have not expired.
func effectiveRevocations(in crlInputs) ([]crlRevocation, diag.Diagnostics) {
	var diags diag.Diagnostics
	issuerID := pki.HexID(in.issuer.SubjectKeyId)
	sameIssuer := in.priorIssuer == issuerID
	priorAt := map[string]string{}
	for _, p := range in.prior {
		if sameIssuer {
			priorAt[p.Serial] = p.RevokedAt
		}
	}
	at := func(serial string) (string, bool) {
		if t, ok := priorAt[serial]; ok {
			return t, false
		}
		return rfc3339(in.now), true
	}

	var out []crlRevocation
	listedIn := map[string]int{}
	for i, e := range in.revoked {
		entry := path.Root("revoked").AtListIndex(i)
		var serial *big.Int
		var notAfter string
		if knownString(e.CertificatePEM) {
			cert, err := pki.ParseCertPEM(e.CertificatePEM.ValueString())
			if err != nil {
				diags.Append(diagCRLInput(entry.AtName("certificate_pem"), "Invalid certificate",
					fmt.Sprintf("revoked[%d].certificate_pem: %v. Use the PEM of a certificate this issuer signed, for example crank_certificate.billing.cert_pem.", i, err)))
				continue
			}
			if err := pki.CheckIssuedBy(cert, in.issuer); err != nil {
				diags.Append(diagCRLInput(entry.AtName("certificate_pem"), "Revoked serial of another issuer", policyDetail(err, fmt.Sprintf("revoked[%d].certificate_pem", i))))
				continue
			}
			serial, notAfter = cert.SerialNumber, rfc3339(cert.NotAfter)
		}
		if knownString(e.Serial) {
			s, err := pki.ParseSerial(e.Serial.ValueString())
			if err != nil {
				diags.Append(diagCRLInput(entry.AtName("serial"), "Invalid serial number", policyDetail(err, fmt.Sprintf("revoked[%d].serial", i))))
				continue
			}
			if serial != nil && s.Cmp(serial) != 0 {
				diags.Append(diagCRLInput(entry.AtName("serial"), "Serial does not match the certificate",
					fmt.Sprintf("revoked[%d].serial = %q but certificate_pem has serial %s. Remove serial (the certificate's is used) or correct it.", i, e.Serial.ValueString(), pki.FormatSerial(serial))))
				continue
			}
			serial = s
		}
		if serial == nil {
			diags.Append(diagCRLInput(entry, "Revoked entry names no certificate",
				fmt.Sprintf("revoked[%d] sets neither serial nor certificate_pem. Set serial (for example serial = crank_certificate.billing.serial) or certificate_pem.", i)))
			continue
		}
		reason := pki.ReasonUnspecified
		if knownString(e.Reason) {
			reason = e.Reason.ValueString()
			if _, err := pki.ParseRevocationReason(reason); err != nil {
				diags.Append(diagCRLInput(entry.AtName("reason"), "Unknown revocation reason", policyDetail(err, fmt.Sprintf("revoked[%d].reason", i))))
				continue
			}
		}
		id := pki.FormatSerial(serial)
		revokedAt, fresh := at(id)
		if knownString(e.RevokedAt) {
			t, err := time.Parse(time.RFC3339, e.RevokedAt.ValueString())
			if err != nil {
				diags.Append(diagCRLInput(entry.AtName("revoked_at"), "Invalid revocation time",
					fmt.Sprintf("revoked[%d].revoked_at = %q is not an RFC 3339 time. Write it like \"2025-06-01T12:00:00Z\", or remove it to use the time the entry is first listed.", i, e.RevokedAt.ValueString())))
				continue
			}
			revokedAt, fresh = rfc3339(t), false
		}
		if j, dup := listedIn[id]; dup {
			diags.Append(diagCRLInput(entry, "Duplicate serial",
				fmt.Sprintf("Serial %s is listed in both revoked[%d] and revoked[%d]. A CRL lists each certificate once: remove one of the entries.", id, j, i)))
			continue
		}
		listedIn[id] = i
		out = append(out, crlRevocation{Serial: id, Reason: reason, RevokedAt: revokedAt, Source: crlSourceRevoked, CertificateNotAfter: notAfter, fresh: fresh})
	}

	current := map[string]bool{}
	var currentCerts []*x509.Certificate
	for i, v := range in.tracked {
		if !knownString(v) {
			continue
		}
		attrPath := path.Root("tracked_certificates").AtListIndex(i)
		cert, err := pki.ParseCertPEM(v.ValueString())
		if err != nil {
			diags.Append(diagCRLInput(attrPath, "Invalid tracked certificate",
				fmt.Sprintf("tracked_certificates[%d]: %v. List certificate PEMs of this issuer, for example crank_certificate.billing.cert_pem.", i, err)))
			continue
		}
		if err := pki.CheckIssuedBy(cert, in.issuer); err != nil {
			diags.Append(diagCRLInput(attrPath, "Tracked certificate of another issuer", policyDetail(err, fmt.Sprintf("tracked_certificates[%d]", i))))
			continue
		}
		current[pki.FormatSerial(cert.SerialNumber)] = true
		currentCerts = append(currentCerts, cert)
	}
	if diags.HasError() {
		return nil, diags
	}

	// A certificate that left the tracked set, or left it on an earlier
	// run, stays listed until it would have expired.
	keep := func(serial, reason, revokedAt string, fresh bool, notAfter time.Time) {
		if _, explicit := listedIn[serial]; explicit || current[serial] || !in.now.Before(notAfter) && !in.planned[serial] {
			return
		}
		listedIn[serial] = -1
		out = append(out, crlRevocation{Serial: serial, Reason: reason, RevokedAt: revokedAt, Source: crlSourceTracked, CertificateNotAfter: rfc3339(notAfter), fresh: fresh})
	}
	if sameIssuer {
		for _, p := range in.prior {
			if p.Source != crlSourceTracked {
				continue
			}
			if notAfter, err := time.Parse(time.RFC3339, p.CertificateNotAfter); err == nil {
				keep(p.Serial, p.Reason, p.RevokedAt, false, notAfter)
			}
		}
		for _, v := range in.priorTracked {
			cert, err := pki.ParseCertPEM(v.ValueString())
			if err != nil || pki.CheckIssuedBy(cert, in.issuer) != nil {
				continue
			}
			reason := pki.ReasonCessationOfOperation
			if slices.ContainsFunc(currentCerts, func(c *x509.Certificate) bool { return pki.Supersedes(c, cert) }) {
				reason = pki.ReasonSuperseded
			}
			serial := pki.FormatSerial(cert.SerialNumber)
			revokedAt, fresh := at(serial)
			keep(serial, reason, revokedAt, fresh, cert.NotAfter)
		}
	}
	sortRevocations(out)
	return out, diags
}

func sortRevocations(rs []crlRevocation) {
	slices.SortFunc(rs, func(a, b crlRevocation) int {
		x, _ := pki.ParseSerial(a.Serial)
		y, _ := pki.ParseSerial(b.Serial)
		if x == nil || y == nil {
			return strings.Compare(a.Serial, b.Serial)
		}
		return x.Cmp(y)
	})
}

func sameRevocations(a, b []crlRevocation) bool {
	return slices.EqualFunc(a, b, func(x, y crlRevocation) bool {
		return x.Serial == y.Serial && x.Reason == y.Reason && x.RevokedAt == y.RevokedAt
	})
}

// inputsKnown reports whether every input the revoked set depends on is
// known; otherwise the CRL can only be computed at apply time.
func (m *crlModel) inputsKnown(ctx context.Context) bool {
	if m.Issuer.IsUnknown() || m.NextUpdate.IsUnknown() || m.Revoked.IsUnknown() || m.TrackedCertificates.IsUnknown() {
		return false
	}
	for _, e := range m.revokedEntries(ctx) {
		if e.Serial.IsUnknown() || e.CertificatePEM.IsUnknown() || e.Reason.IsUnknown() || e.RevokedAt.IsUnknown() {
			return false
		}
	}
	return !slices.ContainsFunc(m.trackedPEMs(ctx), func(v types.String) bool { return v.IsUnknown() })
}

func (m *crlModel) revokedEntries(ctx context.Context) []crlRevokedModel {
	var out []crlRevokedModel
	if !m.Revoked.IsNull() && !m.Revoked.IsUnknown() {
		m.Revoked.ElementsAs(ctx, &out, false)
	}
	return out
}

func (m *crlModel) trackedPEMs(ctx context.Context) []types.String {
	var out []types.String
	if !m.TrackedCertificates.IsNull() && !m.TrackedCertificates.IsUnknown() {
		m.TrackedCertificates.ElementsAs(ctx, &out, false)
	}
	return out
}

func (m *crlModel) revocations(ctx context.Context) []crlRevocation {
	var out []crlRevocation
	if !m.Revocations.IsNull() && !m.Revocations.IsUnknown() {
		m.Revocations.ElementsAs(ctx, &out, false)
	}
	return out
}

// inputs assembles the computation's inputs from the planned configuration
// and, for an existing CRL, its state.
func (m *crlModel) inputs(ctx context.Context, issuer *x509.Certificate, state *crlModel, now time.Time) crlInputs {
	in := crlInputs{issuer: issuer, revoked: m.revokedEntries(ctx), tracked: m.trackedPEMs(ctx), now: now}
	if state != nil {
		in.priorIssuer = state.ID.ValueString()
		in.priorTracked = state.trackedPEMs(ctx)
		in.prior = state.revocations(ctx)
	}
	return in
}

// applyInputs is inputs at apply time: the serials the plan showed are
// kept even if a tracked certificate expired in between.
func (m *crlModel) applyInputs(ctx context.Context, issuer *x509.Certificate, state *crlModel, now time.Time) crlInputs {
	in := m.inputs(ctx, issuer, state, now)
	if !m.RevokedSerials.IsUnknown() {
		var planned []string
		m.RevokedSerials.ElementsAs(ctx, &planned, false)
		in.planned = map[string]bool{}
		for _, s := range planned {
			in.planned[s] = true
		}
	}
	return in
}

func setRevocations(ctx context.Context, m *crlModel, rs []crlRevocation) diag.Diagnostics {
	var diags diag.Diagnostics
	if rs == nil {
		rs = []crlRevocation{}
	}
	var d diag.Diagnostics
	m.Revocations, d = types.ListValueFrom(ctx, crlRevocationType, rs)
	diags.Append(d...)
	serials := make([]string, len(rs))
	for i, r := range rs {
		serials[i] = r.Serial
	}
	m.RevokedSerials, d = types.ListValueFrom(ctx, types.StringType, serials)
	diags.Append(d...)
	return diags
}

func (m *crlModel) nextUpdateDuration() time.Duration {
	if d, err := parseDuration(m.NextUpdate.ValueString()); err == nil && d > 0 {
		return d
	}
	return defaultCRLNextUpdate
}

func diagCRLIssuer(err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("issuer"), "Issuer cannot sign CRLs",
		err.Error()+". Sign the CRL with a crank_ca (every crank_ca carries cRLSign), or re-issue this CA with the cRLSign key usage.")
}

// refreshCheck tells whether the signed CRL is in the last third of its
// lifetime, when it must be signed again before relying parties see it
// expire, and warns in the plan when it is.
func refreshCheck(state *crlModel, issuer string, now time.Time, diags *diag.Diagnostics) bool {
	thisUpdate, err1 := time.Parse(time.RFC3339, state.ThisUpdate.ValueString())
	nextUpdate, err2 := time.Parse(time.RFC3339, state.NextUpdateAt.ValueString())
	if err1 != nil || err2 != nil {
		// A state we cannot read is signed again rather than trusted.
		return true
	}
	if now.Before(nextUpdate.Add(-nextUpdate.Sub(thisUpdate) / 3)) {
		return false
	}
	number := state.CRLNumber.ValueInt64()
	detail := fmt.Sprintf("CRL number %d of %s was signed at %s and expires at %s; it is in the last third of its lifetime, so this plan signs CRL number %d. Publish the new crl_pem where relying parties fetch it.",
		number, issuer, rfc3339(thisUpdate), rfc3339(nextUpdate), number+1)
	if !now.Before(nextUpdate) {
		detail += " The current CRL has already expired: relying parties that check CRLs reject this CA's certificates until the new one is published. Apply at least every next_update / 3."
	}
	diags.AddAttributeWarning(path.Root("next_update_at"), "CRL will be regenerated", detail)
	return true
}

func (r *crlResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan crlModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *crlModel
	if !req.State.Raw.IsNull() {
		state = &crlModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if knownString(plan.Issuer) {
		rc, err := remoteCRLIssuer(plan.Issuer.ValueString())
		if err != nil {
			resp.Diagnostics.Append(diagBadIssuer(err))
			return
		}
		if rc != nil {
			var cfg crlModel
			resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
			if resp.Diagnostics.HasError() {
				return
			}
			if resp.Diagnostics.Append(checkRemoteCRLConfig(ctx, &cfg, rc.name)...); resp.Diagnostics.HasError() {
				return
			}
			if r.planRemote(ctx, rc, &plan, state, &resp.Diagnostics); resp.Diagnostics.HasError() {
				return
			}
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
			return
		}
	}
	now := r.data.now()
	if !plan.inputsKnown(ctx) {
		plan.Revocations = types.ListUnknown(crlRevocationType)
		plan.RevokedSerials = types.ListUnknown(types.StringType)
		plan.ID = types.StringUnknown()
		if knownString(plan.Issuer) {
			if cert, _, err := issuerCertificates(plan.Issuer.ValueString()); err == nil {
				plan.ID = types.StringValue(pki.HexID(cert.SubjectKeyId))
			}
		}
		planRegeneration(&plan, state)
		// An issuer not known yet may be a remote CA, whose CRL number is
		// the CA's.
		if state != nil || !knownString(plan.Issuer) {
			// Whether a new CRL is signed is only known once the inputs are:
			// a tracked certificate that is merely added revokes nothing and
			// keeps the current CRL and its number. Promising number+1 here
			// broke the final plan ("crl_number: was 2, but now 1").
			plan.CRLNumber = types.Int64Unknown()
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}

	issuer, _, err := issuerCertificates(plan.Issuer.ValueString())
	if err != nil {
		resp.Diagnostics.Append(diagBadIssuer(err))
		return
	}
	if err := pki.CheckCRLIssuer(issuer); err != nil {
		resp.Diagnostics.Append(diagCRLIssuer(err))
		return
	}
	entries, diags := effectiveRevocations(plan.inputs(ctx, issuer, state, now))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	issuerID := pki.HexID(issuer.SubjectKeyId)

	regenerate := state == nil
	if state != nil {
		regenerate = state.ID.ValueString() != issuerID || !sameDuration(state.NextUpdate.ValueString(), plan.NextUpdate.ValueString()) ||
			!sameRevocations(entries, state.revocations(ctx)) ||
			refreshCheck(state, fmt.Sprintf("%q", issuer.Subject), now, &resp.Diagnostics)
	}
	if !regenerate {
		plan.ID, plan.CRLPEM, plan.CRLDERBase64, plan.CRLNumber = state.ID, state.CRLPEM, state.CRLDERBase64, state.CRLNumber
		plan.ThisUpdate, plan.NextUpdateAt, plan.RevokedSerials, plan.Revocations = state.ThisUpdate, state.NextUpdateAt, state.RevokedSerials, state.Revocations
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	// The key must be usable now, not only at apply: a missing key file or
	// passphrase fails the plan.
	if _, err := resolveIssuer(plan.Issuer.ValueString()); err != nil {
		resp.Diagnostics.Append(diagBadIssuer(err))
		return
	}
	plan.ID = types.StringValue(issuerID)
	resp.Diagnostics.Append(setRevocations(ctx, &plan, entries)...)
	if slices.ContainsFunc(entries, func(e crlRevocation) bool { return e.fresh }) {
		// Terraform plans again during apply, and "now" will have moved:
		// the serials are decided, their times are not yet.
		plan.Revocations = types.ListUnknown(crlRevocationType)
	}
	planRegeneration(&plan, state)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planRegeneration plans a newly signed CRL: its number is known now, its
// bytes and times only after signing.
func planRegeneration(plan, state *crlModel) {
	plan.CRLNumber = types.Int64Value(1)
	if state != nil && !state.CRLNumber.IsNull() {
		plan.CRLNumber = types.Int64Value(state.CRLNumber.ValueInt64() + 1)
	}
	plan.CRLPEM = types.StringUnknown()
	plan.CRLDERBase64 = types.StringUnknown()
	plan.ThisUpdate = types.StringUnknown()
	plan.NextUpdateAt = types.StringUnknown()
}

func (r *crlResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan crlModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.sign(ctx, &plan, nil)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *crlResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state crlModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.CRLPEM.IsUnknown() {
		// Only the configuration's form changed (an entry moved, say); the
		// signed CRL stays.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	resp.Diagnostics.Append(r.sign(ctx, &plan, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// sign computes what the plan left unknown and signs the CRL into m. On
// error m is left for the caller to discard, so nothing reaches state.
func (r *crlResource) sign(ctx context.Context, m, state *crlModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if rc, err := remoteCRLIssuer(m.Issuer.ValueString()); err != nil {
		diags.Append(diagBadIssuer(err))
		return diags
	} else if rc != nil {
		return r.signRemote(ctx, rc, m, state)
	}
	iss, err := resolveIssuer(m.Issuer.ValueString())
	if err != nil {
		diags.Append(diagBadIssuer(err))
		return diags
	}
	if err := pki.CheckCRLIssuer(iss.Cert); err != nil {
		diags.Append(diagCRLIssuer(err))
		return diags
	}
	now := r.data.now().Truncate(time.Second)
	entries := m.revocations(ctx)
	if m.Revocations.IsUnknown() {
		var d diag.Diagnostics
		entries, d = effectiveRevocations(m.applyInputs(ctx, iss.Cert, state, now))
		diags.Append(d...)
		if diags.HasError() {
			return diags
		}
	}
	revoked := make([]pki.Revocation, 0, len(entries))
	for _, e := range entries {
		serial, err := pki.ParseSerial(e.Serial)
		if err != nil {
			diags.AddError("Corrupt CRL state", err.Error())
			return diags
		}
		reason, _ := pki.ParseRevocationReason(e.Reason)
		at, err := time.Parse(time.RFC3339, e.RevokedAt)
		if err != nil {
			diags.AddError("Corrupt CRL state", err.Error())
			return diags
		}
		revoked = append(revoked, pki.Revocation{Serial: serial, Reason: reason, RevokedAt: at})
	}
	number := m.CRLNumber.ValueInt64()
	if m.CRLNumber.IsUnknown() || number <= 0 {
		number = 1
		if state != nil {
			number = state.CRLNumber.ValueInt64() + 1
		}
	}
	crl, der, err := pki.CreateCRL(iss, pki.CRLRequest{
		Number: big.NewInt(number), ThisUpdate: now, NextUpdate: now.Add(m.nextUpdateDuration()), Revoked: revoked,
	})
	if err != nil {
		diags.AddAttributeError(path.Root("revoked"), "Could not sign the CRL", err.Error())
		return diags
	}
	m.ID = types.StringValue(pki.HexID(iss.Cert.SubjectKeyId))
	m.CRLNumber = types.Int64Value(number)
	m.CRLPEM = types.StringValue(pki.EncodeCRLPEM(der))
	m.CRLDERBase64 = types.StringValue(base64.StdEncoding.EncodeToString(der))
	m.ThisUpdate = types.StringValue(rfc3339(crl.ThisUpdate))
	m.NextUpdateAt = types.StringValue(rfc3339(crl.NextUpdate))
	diags.Append(setRevocations(ctx, m, entries)...)
	return diags
}

// Read leaves the state alone: the CRL lives only in state, and whether it
// is due for regeneration is decided at plan time.
func (r *crlResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *crlResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
