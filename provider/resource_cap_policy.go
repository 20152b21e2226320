package provider

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/cap"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var (
	_ resource.Resource               = (*capPolicyResource)(nil)
	_ resource.ResourceWithConfigure  = (*capPolicyResource)(nil)
	_ resource.ResourceWithModifyPlan = (*capPolicyResource)(nil)
)

type capPolicyResource struct{ data *providerData }

// NewCapPolicyResource is the crank_cap_policy resource factory.
func NewCapPolicyResource() resource.Resource { return &capPolicyResource{} }

type capPolicyModel struct {
	ID            types.String `tfsdk:"id"`
	Service       types.String `tfsdk:"service"`
	TrustDomain   types.String `tfsdk:"trust_domain"`
	DefaultAction types.String `tfsdk:"default_action"`
	Enforcement   types.String `tfsdk:"enforcement"`
	Capabilities  types.List   `tfsdk:"capabilities"`
	Rules         types.List   `tfsdk:"rules"`
	RuleIDs       types.List   `tfsdk:"rule_ids"`
	KnownServices types.List   `tfsdk:"known_services"`
	Issuer        types.String `tfsdk:"issuer"`
	Tests         types.List   `tfsdk:"test"`
	BundleJSON    types.String `tfsdk:"bundle_json"`
	BundleDigest  types.String `tfsdk:"bundle_digest"`
	Warnings      types.List   `tfsdk:"warnings"`

	SigningKeyFile   types.String `tfsdk:"signing_key_file"`
	SignedBundleJSON types.String `tfsdk:"signed_bundle_json"`
	SigningKeyID     types.String `tfsdk:"signing_key_id"`
	SigningPublicKey types.String `tfsdk:"signing_public_key"`
}

type capPolicyTest struct {
	Caller     types.String `tfsdk:"caller"`
	Capability types.String `tfsdk:"capability"`
	Expect     types.String `tfsdk:"expect"`
	Reason     types.String `tfsdk:"reason"`
}

var capWarningAttrTypes = map[string]attr.Type{
	"code":     types.StringType,
	"path":     types.StringType,
	"message":  types.StringType,
	"rule_ids": types.ListType{ElemType: types.StringType},
}

func (r *capPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cap_policy"
}

func (r *capPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if d, ok := req.ProviderData.(*providerData); ok {
		r.data = d
	}
}

func (r *capPolicyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The capability access policy of one destination service: its capabilities, the rules it collects, its default, and inline tests. " +
			"The plan analyses it with the same `cap` package services run, shows every problem on the attribute it is about, runs the `test` blocks, " +
			"and shows the bundle services load (`bundle_json`) whenever the inputs are known.\n\n" +
			"Errors: unknown services or capabilities, invalid SPIFFE IDs, a trust domain the issuing CA cannot issue, unresolved or duplicate rule IDs, rate limits on deny rules, conflicting routes, failing tests. " +
			"Warnings (also listed in `warnings`): allows shadowed by denies, redundant allows, partial allow/deny overlaps, `*` or trust-domain-wide grants, capabilities nobody can reach, `default_action = \"allow\"`.\n\n" +
			"Services enforce only a bundle signed by a policy key they trust: set `signing_key_file` and deploy `signed_bundle_json` with `signing_public_key` as the trusted key (see `signing_key_file` for rotation).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The destination service name."},
			"service": schema.StringAttribute{
				Required: true, Validators: []validator.String{capServiceValidator()},
				MarkdownDescription: "Destination service, for example `billing`.",
			},
			"trust_domain": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Trust domain in which caller `service` names resolve and outside which no caller can match. Defaults to the provider's `trust_domain`.",
			},
			"default_action": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(string(cap.ActionDeny)),
				MarkdownDescription: "Decision when no enforced rule matches; the decision record names it `default`. " + oneOfDoc(cap.Actions()) + " Defaults to `deny`; `allow` draws a warning.",
				Validators:          []validator.String{stringvalidator.OneOf(cap.Actions()...)},
			},
			"enforcement": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(string(cap.EnforcementEnforce)),
				MarkdownDescription: "`audit` lets every request through and only records what enforcement would decide (the shadow decision); `enforce` decides. " + oneOfDoc(cap.Enforcements()) + " Defaults to `enforce`.",
				Validators:          []validator.String{stringvalidator.OneOf(cap.Enforcements()...)},
			},
			"capabilities": schema.ListNestedAttribute{
				Required:            true,
				MarkdownDescription: "The service's capabilities, usually `[crank_capability.read.capability, ...]`. Each must belong to `service`.",
				NestedObject:        schema.NestedAttributeObject{Attributes: capCapabilityAttributes(false)},
			},
			"rules": schema.ListNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Rules offered to this policy, usually `[crank_cap_rule.gateway.rule, ...]` from any module; each must name `service` as its destination. Inline objects of the same shape work too.",
				NestedObject:        schema.NestedAttributeObject{Attributes: capRuleAttributes(false)},
			},
			"rule_ids": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Pins the rule IDs this policy accepts. When set, the bundle holds exactly these rules from `rules`: an ID no rule has is an error, and an offered rule not listed is left out with a warning. " +
					"This lets a destination's owners review what callers' modules offer. Unset: every rule in `rules` is taken.",
			},
			"known_services": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Every service that exists, for example `keys(crank_certificate.service)`. When set, the destination and every caller `service` must be one of them.",
			},
			"issuer": schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "The `issuer` of the `crank_ca` that issues the services' certificates. When set, `trust_domain` must be the CA's SPIFFE trust domain (a `spiffe://` URI SAN on the CA) or lie inside its URI name constraints; otherwise the plan fails, because no caller could ever present a matching ID. Only the certificates are read, never the key.",
			},
			"bundle_json": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The canonical bundle (`" + cap.BundleSchema + "`) that services load, for example with `cap.LoadBundleFile`. Known at plan time whenever the inputs are.",
			},
			"bundle_digest": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`sha256:<hex>` of `bundle_json`; every decision record carries it.",
			},
			"signing_key_file": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Path of the unencrypted PKCS#8 PEM Ed25519 private key that signs this policy's bundle, a dedicated policy key (`openssl genpkey -algorithm ed25519 -out policy-signing.pem && chmod 600 policy-signing.pem`). " +
					"Read at plan and at apply, never stored in state; a key readable by group or others draws a warning. Ed25519 signatures are deterministic, so `signed_bundle_json` is known at plan time and an unchanged policy plans no change. " +
					"Unset, `signed_bundle_json` is null and services refuse the plain `bundle_json` unless they run with the development-only unsigned opt-out. " +
					"To rotate the key: (1) add the new public key to every service's trusted key file next to the old one (a service accepts a bundle signed by any key it lists); " +
					"(2) point `signing_key_file` at the new key and apply, which re-signs the bundle (`signed_bundle_json` and `signing_key_id` change); " +
					"(3) when every service runs the new bundle, remove the old public key from the trusted files and destroy the old key. " +
					"A service given a bundle signed by a key it does not list refuses it, logs the key IDs, and keeps its last good bundle.",
			},
			"signed_bundle_json": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The bundle services load: `" + cap.SignedBundleSchema + "`, holding `bundle_json` byte for byte and its Ed25519 signature by `signing_key_id`. " +
					"Null without `signing_key_file`. Write it to the service's bundle path (for example with `local_file`).",
			},
			"signing_key_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "ID of the signing key named in the signed bundle: `ed25519:` and 32 hex digits of the SHA-256 of the public key. Services log it when they refuse a bundle.",
			},
			"signing_public_key": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "PEM `PUBLIC KEY` of `signing_key_file`: what services trust (`cap.LoadPolicyKeys`, worker `-policy-keys`). List the old and the new key there while rotating.",
			},
			"warnings": schema.ListAttribute{
				Computed: true, ElementType: types.ObjectType{AttrTypes: capWarningAttrTypes},
				MarkdownDescription: "The analysis warnings also shown in the plan, as objects `{code, path, message, rule_ids}`, so a `check` block can require none.",
			},
		},
		Blocks: map[string]schema.Block{
			"test": schema.ListNestedBlock{
				MarkdownDescription: "An expected decision, checked at plan time against the bundle with the evaluator services run. A wrong expectation fails the plan. " +
					"Each test decides once with full rate-limit buckets, so it never sees `rate_limited`.",
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"caller": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "Caller SPIFFE ID, or a service name resolved in `trust_domain`.",
					},
					"capability": schema.StringAttribute{Required: true, MarkdownDescription: "Capability name."},
					"expect": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "Expected decision. " + oneOfDoc(cap.Actions()),
						Validators:          []validator.String{stringvalidator.OneOf(cap.Actions()...)},
					},
					"reason": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Expected reason code, when it matters. " + oneOfDoc(cap.Reasons()),
						Validators:          []validator.String{stringvalidator.OneOf(cap.Reasons()...)},
					},
				}},
			},
		},
	}
}

// capPolicyBuild is what one evaluation of the configuration produces.
type capPolicyBuild struct {
	bundleJSON, digest string
	warnings           cap.Diagnostics
}

// build assembles, analyses and marshals the policy and runs its tests. At
// plan time inputs that are not known yet (issuer, known_services, tests)
// skip their checks; apply runs them.
func (r *capPolicyResource) build(ctx context.Context, m *capPolicyModel) (capPolicyBuild, diag.Diagnostics) {
	var out capPolicyBuild
	var diags diag.Diagnostics
	capabilities, d := capListElements[capCapabilityObject](ctx, m.Capabilities)
	diags.Append(d...)
	rules, d := capListElements[capRuleObject](ctx, m.Rules)
	diags.Append(d...)
	if diags.HasError() {
		return out, diags
	}
	service := m.Service.ValueString()
	trustDomain := m.TrustDomain.ValueString()
	paths := capPolicyPaths{capabilities: map[string]int{}, rules: map[string]int{}, callerOrders: map[string][]int{}, ruleIDsSet: !m.RuleIDs.IsNull()}

	destination := cap.Service{Name: service}
	for i, c := range capabilities {
		paths.capabilities[c.Name.ValueString()] = i
		if c.Service.ValueString() != service {
			diags.Append(diagCapabilityOfOtherService(i, c.Name.ValueString(), c.Service.ValueString(), service))
			continue
		}
		destination.Capabilities = append(destination.Capabilities, c.toCap())
	}

	var available []cap.Rule
	var offeredIDs []string
	for i, rule := range rules {
		id := rule.ID.ValueString()
		if rule.Service.ValueString() != service {
			diags.Append(diagRuleOfOtherService(i, id, rule.Service.ValueString(), service))
			continue
		}
		plain := rule.toCap()
		if _, seen := paths.rules[id]; seen {
			// AssemblePolicy reports the repeat; point it at the repeat.
			paths.duplicates = append(paths.duplicates, i)
		} else {
			paths.rules[id] = i
			paths.callerOrders[id] = capCallerOrder(plain.Callers)
			offeredIDs = append(offeredIDs, id)
		}
		available = append(available, plain)
	}

	spec := cap.PolicySpec{
		Service: service, TrustDomain: trustDomain,
		DefaultAction: cap.Action(m.DefaultAction.ValueString()), Enforcement: cap.Enforcement(m.Enforcement.ValueString()),
		RuleIDs: offeredIDs,
	}
	if paths.ruleIDsSet {
		var pinned []types.String
		diags.Append(m.RuleIDs.ElementsAs(ctx, &pinned, false)...)
		spec.RuleIDs = stringList(pinned)
		for _, id := range offeredIDs {
			if !slices.Contains(spec.RuleIDs, id) {
				diags.Append(diagRuleNotPinned(paths.rules[id], id))
			}
		}
	}
	policy, assembled := cap.AssemblePolicy(spec, destination, available)
	for _, d := range assembled {
		if d.Path == "rules" && len(paths.duplicates) > 0 {
			d.Path = fmt.Sprintf("rules[%d].id", paths.duplicates[0])
			paths.duplicates = paths.duplicates[1:]
		}
		diags.Append(capDiagnostic(d, paths))
	}

	env := cap.Environment{}
	if knownList(m.KnownServices) {
		var known []types.String
		diags.Append(m.KnownServices.ElementsAs(ctx, &known, false)...)
		env.KnownServices = stringList(known)
	}
	if knownString(m.Issuer) {
		issuerTD, d := issuerTrustDomain(m.Issuer.ValueString(), service, trustDomain)
		env.IssuerTrustDomain = issuerTD
		diags.Append(d...)
	}
	findings := cap.Analyze(policy, env)
	diags.Append(capDiagnostics(findings, paths)...)
	if diags.HasError() {
		return out, diags
	}
	for _, f := range findings {
		if f.Severity == cap.SeverityWarning {
			out.warnings = append(out.warnings, f)
		}
	}

	canonical, digest, err := cap.Marshal(policy)
	if err != nil {
		diags.AddError("Could not write the capability bundle", err.Error())
		return out, diags
	}
	out.bundleJSON, out.digest = string(canonical), digest
	if fullyKnown(ctx, m.Tests) {
		diags.Append(runCapPolicyTests(ctx, m.Tests, canonical, trustDomain)...)
	}
	return out, diags
}

// runCapPolicyTests decides every test block against the bundle, through
// the same Load and Compile a service uses.
func runCapPolicyTests(ctx context.Context, list types.List, bundleJSON []byte, trustDomain string) diag.Diagnostics {
	tests, diags := capListElements[capPolicyTest](ctx, list)
	if diags.HasError() || len(tests) == 0 {
		return diags
	}
	bundle, err := cap.Load(bundleJSON)
	if err == nil {
		var evaluator *cap.Evaluator
		if evaluator, err = cap.Compile(bundle); err == nil {
			for i, test := range tests {
				diags.Append(runCapPolicyTest(i, test, evaluator, trustDomain)...)
			}
			return diags
		}
	}
	diags.AddError("Could not evaluate the capability bundle", err.Error())
	return diags
}

func runCapPolicyTest(i int, test capPolicyTest, evaluator *cap.Evaluator, trustDomain string) diag.Diagnostics {
	var diags diag.Diagnostics
	caller := test.Caller.ValueString()
	if !strings.HasPrefix(caller, "spiffe://") {
		id, err := cap.ServiceID(trustDomain, caller)
		if err != nil {
			diags.Append(diagBadTestCaller(i, trustDomain, err))
			return diags
		}
		caller = id.String()
	}
	decision := evaluator.Decide(caller, test.Capability.ValueString())
	wantReason := test.Reason.ValueString()
	if string(decision.Decision) == test.Expect.ValueString() && (wantReason == "" || string(decision.Reason) == wantReason) {
		return diags
	}
	diags.Append(diagCapTestFailed(i, test, decision))
	return diags
}

func knownList(l types.List) bool { return !l.IsNull() && !l.IsUnknown() }

// issuerTrustDomain returns the issuing CA's SPIFFE trust domain when the
// CA carries one (cap.Analyze then reports a mismatch); otherwise it
// checks the trust domain against the chain's URI name constraints.
func issuerTrustDomain(handle, service, trustDomain string) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	cert, parents, err := issuerCertificates(handle)
	if err != nil {
		diags.Append(diagBadIssuer(err))
		return "", diags
	}
	chain := append([]*x509.Certificate{cert}, parents...)
	for _, c := range chain {
		for _, u := range c.URIs {
			if u.Scheme == "spiffe" {
				return u.Host, diags
			}
		}
	}
	if cap.ValidateTrustDomain(trustDomain) != nil || cap.ValidateServiceName(service) != nil {
		return "", diags // cap.Analyze reports the invalid value itself
	}
	probe := &url.URL{Scheme: "spiffe", Host: trustDomain, Path: "/" + service}
	if err := pki.CheckNames(chain, nil, nil, []*url.URL{probe}); err != nil {
		diags.Append(diagTrustDomainOutsideIssuer(trustDomain, err))
	}
	return "", diags
}

// capPolicyPaths maps cap paths onto this resource's attributes: rules and
// capabilities are addressed by ID in cap and by list position here.
type capPolicyPaths struct {
	capabilities map[string]int
	rules        map[string]int
	callerOrders map[string][]int
	duplicates   []int
	ruleIDsSet   bool
}

func (p capPolicyPaths) attributePath(capPath string) path.Path {
	steps, ok := parseCapPath(capPath)
	if !ok {
		return path.Empty()
	}
	first := steps[0]
	switch {
	case first.name == "capabilities" && first.hasKey:
		if i, ok := p.capabilities[first.key]; ok {
			return appendCapSteps(path.Root("capabilities").AtListIndex(i), steps[1:], nil)
		}
		return path.Root("capabilities")
	case first.name == "rules" && first.hasKey:
		if i, ok := p.rules[first.key]; ok {
			return appendCapSteps(path.Root("rules").AtListIndex(i), steps[1:], p.callerOrders[first.key])
		}
		return path.Root("rules")
	case first.name == "rules" && first.hasIndex:
		return appendCapSteps(path.Root("rules").AtListIndex(first.index), steps[1:], nil)
	case first.name == "rule_ids" && first.hasIndex && p.ruleIDsSet:
		return path.Root("rule_ids").AtListIndex(first.index)
	case first.name == "rule_ids":
		return path.Root("rules")
	}
	return appendCapSteps(path.Empty(), steps, nil)
}

func diagCapabilityOfOtherService(i int, name, owner, service string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("capabilities").AtListIndex(i).AtName("service"), "Capability of another service",
		fmt.Sprintf("capability %q belongs to service %q, but this policy is for %q. List only %q's capabilities here, for example [for c in crank_capability.all : c.capability if c.service == %q]. [unknown_capability]", name, owner, service, service, service))
}

func diagRuleOfOtherService(i int, id, destination, service string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("rules").AtListIndex(i).AtName("service"), "Rule for another service",
		fmt.Sprintf("rule %q is for destination %q, but this policy is for %q. Offer it to %q's policy instead, or filter, for example [for r in local.cap_rules : r if r.service == %q]. [unknown_service]", id, destination, service, destination, service))
}

func diagRuleNotPinned(i int, id string) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(path.Root("rules").AtListIndex(i), "Offered rule left out",
		fmt.Sprintf("rule %q is offered in rules but rule_ids does not list it, so the bundle leaves it out. Add %q to rule_ids to accept it, or stop offering it.", id, id))
}

func diagTrustDomainOutsideIssuer(trustDomain string, err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("trust_domain"), "Trust domain mismatch",
		fmt.Sprintf("trust domain %q cannot be issued by the issuing CA: %s. No caller could present a matching SPIFFE ID; use the CA's trust domain or the issuer of this one. [%s]", trustDomain, err, cap.CodeTrustDomainMismatch))
}

func diagBadTestCaller(i int, trustDomain string, err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("test").AtListIndex(i).AtName("caller"), "Invalid test caller",
		err.Error()+". Give a SPIFFE ID such as spiffe://"+trustDomain+"/api-gateway, or a service name.")
}

func diagNoTrustDomain() diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("trust_domain"), "No trust domain",
		"Neither this policy nor the provider sets trust_domain, so caller service names cannot be resolved. Set trust_domain here or in the provider block, for example trust_domain = \"prod.example.org\".")
}

func diagCapTestFailed(i int, test capPolicyTest, d cap.Decision) diag.Diagnostic {
	want := test.Expect.ValueString()
	if r := test.Reason.ValueString(); r != "" {
		want += " (" + r + ")"
	}
	got := fmt.Sprintf("%s (%s", d.Decision, d.Reason)
	if len(d.RuleIDs) > 0 {
		got += ", rules " + strings.Join(d.RuleIDs, ", ")
	}
	got += ")"
	return diag.NewAttributeErrorDiagnostic(path.Root("test").AtListIndex(i).AtName("expect"), "Capability policy test failed",
		fmt.Sprintf("test %d: %s calling %q is %s, but the test expects %s. Fix the rules if the test states what you want, or the test if the rules do; cap_decide(bundle_json, caller, capability) shows the whole decision record.",
			i+1, d.Caller, d.Capability, got, want))
}

func capWarningsValue(findings cap.Diagnostics) (types.List, diag.Diagnostics) {
	elems := make([]attr.Value, 0, len(findings))
	var diags diag.Diagnostics
	for _, f := range findings {
		ruleIDs := f.RuleIDs
		if ruleIDs == nil {
			ruleIDs = []string{}
		}
		o, d := types.ObjectValue(capWarningAttrTypes, map[string]attr.Value{
			"code": types.StringValue(f.Code), "path": types.StringValue(f.Path),
			"message": types.StringValue(f.Message), "rule_ids": stringListValue(ruleIDs),
		})
		diags.Append(d...)
		elems = append(elems, o)
	}
	l, d := types.ListValue(types.ObjectType{AttrTypes: capWarningAttrTypes}, elems)
	diags.Append(d...)
	return l, diags
}

// resolveTrustDomain fills trust_domain from the provider when the
// configuration leaves it out.
func (r *capPolicyResource) resolveTrustDomain(m *capPolicyModel, configured types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	if !configured.IsNull() {
		m.TrustDomain = configured
		return diags
	}
	if r.data == nil || r.data.trustDomain == "" {
		diags.Append(diagNoTrustDomain())
		return diags
	}
	m.TrustDomain = types.StringValue(r.data.trustDomain)
	return diags
}

// apply computes the outputs; warnings go to the plan only, so apply does
// not repeat them.
func (r *capPolicyResource) apply(ctx context.Context, m *capPolicyModel, configured types.String, planning bool) diag.Diagnostics {
	diags := r.resolveTrustDomain(m, configured)
	if diags.HasError() {
		return diags
	}
	if !fullyKnown(ctx, m.Service, m.TrustDomain, m.DefaultAction, m.Enforcement, m.Capabilities, m.Rules, m.RuleIDs) {
		m.ID = types.StringUnknown()
		m.BundleJSON, m.BundleDigest = types.StringUnknown(), types.StringUnknown()
		m.Warnings = types.ListUnknown(types.ObjectType{AttrTypes: capWarningAttrTypes})
		m.setSigning(nil, true)
		return diags
	}
	built, d := r.build(ctx, m)
	for _, one := range d {
		if planning || one.Severity() == diag.SeverityError {
			diags.Append(one)
		}
	}
	if diags.HasError() {
		return diags
	}
	m.ID = m.Service
	m.BundleJSON, m.BundleDigest = types.StringValue(built.bundleJSON), types.StringValue(built.digest)
	m.Warnings, d = capWarningsValue(built.warnings)
	diags.Append(d...)
	switch {
	case m.SigningKeyFile.IsUnknown():
		m.setSigning(nil, true)
	case m.SigningKeyFile.IsNull():
		m.setSigning(nil, false)
	default:
		signing, d := signCapBundle(m.SigningKeyFile.ValueString(), []byte(built.bundleJSON))
		for _, one := range d {
			if planning || one.Severity() == diag.SeverityError {
				diags.Append(one)
			}
		}
		if diags.HasError() {
			return diags
		}
		m.setSigning(&signing, false)
	}
	return diags
}

func (r *capPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan capPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var configured types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("trust_domain"), &configured)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.apply(ctx, &plan, configured, true)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *capPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.Diagnostics.Append(r.store(ctx, req.Plan, req.Config, &resp.State)...)
}

// store is Create and Update alike: the state is derived from the plan alone.
func (r *capPolicyResource) store(ctx context.Context, plan tfsdk.Plan, config tfsdk.Config, state *tfsdk.State) diag.Diagnostics {
	var m capPolicyModel
	diags := plan.Get(ctx, &m)
	var configured types.String
	diags.Append(config.GetAttribute(ctx, path.Root("trust_domain"), &configured)...)
	if diags.HasError() {
		return diags
	}
	diags.Append(r.apply(ctx, &m, configured, false)...)
	if diags.HasError() {
		return diags
	}
	return append(diags, state.Set(ctx, &m)...)
}

// Read has nothing remote to refresh: the bundle is derived from state.
// The framework hands the prior state back unchanged when Read sets
// nothing, which keeps refreshes of large configurations cheap.
func (r *capPolicyResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (r *capPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.Append(r.store(ctx, req.Plan, req.Config, &resp.State)...)
}

func (r *capPolicyResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}
