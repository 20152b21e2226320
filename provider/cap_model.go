package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/cap"
)

// The object shapes crank_capability.capability and crank_cap_rule.rule
// expose, and crank_cap_policy.capabilities / .rules accept. Both sides use
// these maps, so a reference always fits the attribute it is assigned to.
var (
	capCapabilityAttrTypes = map[string]attr.Type{
		"service":     types.StringType,
		"name":        types.StringType,
		"http_method": types.StringType,
		"http_path":   types.StringType,
		"grpc_method": types.StringType,
	}
	capCallerAttrTypes = map[string]attr.Type{
		"service":       types.StringType,
		"spiffe_id":     types.StringType,
		"spiffe_prefix": types.StringType,
		"trust_domain":  types.StringType,
	}
	capRateLimitAttrTypes = map[string]attr.Type{
		"rps":   types.Float64Type,
		"burst": types.Int64Type,
	}
	capRuleAttrTypes = map[string]attr.Type{
		"id":           types.StringType,
		"service":      types.StringType,
		"action":       types.StringType,
		"mode":         types.StringType,
		"callers":      types.ListType{ElemType: types.ObjectType{AttrTypes: capCallerAttrTypes}},
		"capabilities": types.ListType{ElemType: types.StringType},
		"rate_limit":   types.ObjectType{AttrTypes: capRateLimitAttrTypes},
	}
)

// capCapabilityObject is one element of crank_cap_policy.capabilities.
type capCapabilityObject struct {
	Service    types.String `tfsdk:"service"`
	Name       types.String `tfsdk:"name"`
	HTTPMethod types.String `tfsdk:"http_method"`
	HTTPPath   types.String `tfsdk:"http_path"`
	GRPCMethod types.String `tfsdk:"grpc_method"`
}

func (c capCapabilityObject) toCap() cap.Capability {
	return cap.Capability{
		Name:       c.Name.ValueString(),
		HTTPMethod: c.HTTPMethod.ValueString(),
		HTTPPath:   c.HTTPPath.ValueString(),
		GRPCMethod: c.GRPCMethod.ValueString(),
	}
}

type capCallerObject struct {
	Service      types.String `tfsdk:"service"`
	SPIFFEID     types.String `tfsdk:"spiffe_id"`
	SPIFFEPrefix types.String `tfsdk:"spiffe_prefix"`
	TrustDomain  types.String `tfsdk:"trust_domain"`
}

type capRateLimitObject struct {
	RPS   types.Float64 `tfsdk:"rps"`
	Burst types.Int64   `tfsdk:"burst"`
}

// capRuleObject is one element of crank_cap_policy.rules, and the decoded
// form of crank_cap_rule's inputs.
type capRuleObject struct {
	ID           types.String        `tfsdk:"id"`
	Service      types.String        `tfsdk:"service"`
	Action       types.String        `tfsdk:"action"`
	Mode         types.String        `tfsdk:"mode"`
	Callers      []capCallerObject   `tfsdk:"callers"`
	Capabilities []types.String      `tfsdk:"capabilities"`
	RateLimit    *capRateLimitObject `tfsdk:"rate_limit"`
}

func (r capRuleObject) toCap() cap.Rule {
	rule := cap.Rule{
		ID:           r.ID.ValueString(),
		Action:       cap.Action(r.Action.ValueString()),
		Mode:         cap.Mode(r.Mode.ValueString()),
		Capabilities: stringList(r.Capabilities),
		Callers:      make([]cap.Caller, len(r.Callers)),
	}
	for i, c := range r.Callers {
		rule.Callers[i] = cap.Caller{
			Service:      c.Service.ValueString(),
			SPIFFEID:     c.SPIFFEID.ValueString(),
			SPIFFEPrefix: c.SPIFFEPrefix.ValueString(),
			TrustDomain:  c.TrustDomain.ValueString(),
		}
	}
	if r.RateLimit != nil {
		rule.RateLimit = &cap.RateLimit{RPS: r.RateLimit.RPS.ValueFloat64(), Burst: int(r.RateLimit.Burst.ValueInt64())}
	}
	return rule
}

// fullyKnown reports whether v and everything inside it is known, which
// is when plan-time analysis and the bundle can be computed.
func fullyKnown(ctx context.Context, values ...attr.Value) bool {
	for _, v := range values {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil || !tv.IsFullyKnown() {
			return false
		}
	}
	return true
}

func capServiceValidator() validator.String { return capCheckValidator{check: cap.ValidateServiceName} }

// capCheckValidator runs one of cap's own syntax checks at validate time,
// so the provider never restates what a valid name is.
type capCheckValidator struct{ check func(string) error }

func (capCheckValidator) Description(context.Context) string {
	return "a valid SPIFFE path segment (letters, digits, '.', '-', '_')"
}
func (v capCheckValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v capCheckValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid value", err.Error())
	}
}

func oneOfDoc(values []string) string {
	return "Accepted values: " + strings.Join(backticked(values), ", ") + "."
}

// capCapabilityAttributes is the schema of a capability, shared by the
// crank_capability resource (top level) and crank_cap_policy.capabilities.
// Inside the policy nothing is Required: the framework reports a required
// attribute of a not-yet-known object (a reference to another resource's
// computed object) as missing, so there cap.Analyze reports empty values.
func capCapabilityAttributes(resourceLevel bool) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"service": schema.StringAttribute{
			Required: resourceLevel, Optional: !resourceLevel, Validators: []validator.String{capServiceValidator()},
			MarkdownDescription: "Service that exposes the operation, as in its SPIFFE ID `spiffe://<trust_domain>/<service>`, for example `billing`.",
		},
		"name": schema.StringAttribute{
			Required: resourceLevel, Optional: !resourceLevel, Validators: []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.NoneOf(cap.AllCapabilities)},
			MarkdownDescription: "Capability name, unique per service, for example `invoice.read`. `*` is reserved for rules.",
		},
		"http_method": schema.StringAttribute{
			Optional: true, Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("http_path"))},
			MarkdownDescription: "HTTP method that maps requests to this capability, for example `GET`. Set together with `http_path`.",
		},
		"http_path": schema.StringAttribute{
			Optional: true, Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("http_method"))},
			MarkdownDescription: "Go `ServeMux` path template, for example `/v1/invoices/{id}`. Two capabilities of one service may not claim the same requests.",
		},
		"grpc_method": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "gRPC full method name `/package.Service/Method` that maps calls to this capability.",
		},
	}
}

// capRuleAttributes is the schema of a rule, shared by the crank_cap_rule
// resource and crank_cap_policy.rules. Only the resource fills mode's
// default: inside the policy a null mode means the same through cap. As for
// capabilities, only the resource marks attributes Required.
func capRuleAttributes(resourceLevel bool) map[string]schema.Attribute {
	exactlyOne := func(others ...string) []validator.String {
		expressions := make([]path.Expression, len(others))
		for i, o := range others {
			expressions[i] = path.MatchRelative().AtParent().AtName(o)
		}
		return []validator.String{stringvalidator.ExactlyOneOf(expressions...)}
	}
	mode := schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "`enforce` decides; `dry_run` only feeds the shadow decision, so its effect can be watched before it is enforced. " + oneOfDoc(cap.Modes()) + " Defaults to `enforce`.",
		Validators:          []validator.String{stringvalidator.OneOf(cap.Modes()...)},
	}
	if resourceLevel {
		mode.Computed = true
		mode.Default = stringdefault.StaticString(string(cap.ModeEnforce))
	}
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Required: resourceLevel, Optional: !resourceLevel, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			MarkdownDescription: "Rule ID, unique within the destination's policy. Decisions name it, so choose something a reader of a 403 understands, for example `api-gateway-reads-invoices`.",
		},
		"service": schema.StringAttribute{
			Required: resourceLevel, Optional: !resourceLevel, Validators: []validator.String{capServiceValidator()},
			MarkdownDescription: "Destination service the rule is about, for example `billing`.",
		},
		"action": schema.StringAttribute{
			Required: resourceLevel, Optional: !resourceLevel,
			MarkdownDescription: "What a matching request gets. A matching enforced deny always wins over any allow. " + oneOfDoc(cap.Actions()),
			Validators:          []validator.String{stringvalidator.OneOf(cap.Actions()...)},
		},
		"mode": mode,
		"callers": schema.ListNestedAttribute{
			Required: resourceLevel, Optional: !resourceLevel,
			Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
			MarkdownDescription: "Who the rule is about. Each entry sets exactly one of `service`, `spiffe_id`, `spiffe_prefix`, `trust_domain`.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"service": schema.StringAttribute{
					Optional: true, Validators: exactlyOne("service", "spiffe_id", "spiffe_prefix", "trust_domain"),
					MarkdownDescription: "A service of the policy's trust domain: matches exactly `spiffe://<trust_domain>/<service>`.",
				},
				"spiffe_id": schema.StringAttribute{
					Optional:            true,
					MarkdownDescription: "One exact SPIFFE ID, for example `spiffe://prod.example.org/jobs/nightly`.",
				},
				"spiffe_prefix": schema.StringAttribute{
					Optional:            true,
					MarkdownDescription: "Every SPIFFE ID at or below this one, by whole path segments: `spiffe://td/jobs` matches `spiffe://td/jobs/nightly`, never `spiffe://td/jobs-v2`.",
				},
				"trust_domain": schema.StringAttribute{
					Optional:            true,
					MarkdownDescription: "Every workload of the trust domain. Plans warn about such broad allows.",
				},
			}},
		},
		"capabilities": schema.ListAttribute{
			ElementType: types.StringType, Required: resourceLevel, Optional: !resourceLevel,
			Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			MarkdownDescription: "Capability names of the destination, or `[\"*\"]` for all of them (plans warn about `*` on allow rules).",
		},
		"rate_limit": schema.SingleNestedAttribute{
			Optional:            true,
			MarkdownDescription: "Token bucket per caller SPIFFE ID, allow rules only: a caller over it gets `rate_limited` (HTTP 429).",
			Attributes: map[string]schema.Attribute{
				"rps":   schema.Float64Attribute{Required: resourceLevel, Optional: !resourceLevel, MarkdownDescription: "Tokens added per second; must be above 0."},
				"burst": schema.Int64Attribute{Required: resourceLevel, Optional: !resourceLevel, MarkdownDescription: "Most requests at once; at least 1."},
			},
		},
	}
}

// capListElements decodes a fully known list attribute.
func capListElements[T any](ctx context.Context, list types.List) ([]T, diag.Diagnostics) {
	var out []T
	if list.IsNull() {
		return out, nil
	}
	diags := list.ElementsAs(ctx, &out, false)
	return out, diags
}
