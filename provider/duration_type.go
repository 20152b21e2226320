package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ basetypes.StringTypable                    = durationType{}
	_ basetypes.StringValuableWithSemanticEquals = durationValue{}
)

// durationType is the type of every duration attribute (validity,
// renew_before, next_update). "720h", "30d", "43200m" and "720h0m0s" name the
// same time span; with plain string equality the provider's own spelling in
// state differs from the user's in configuration and Terraform reports an
// inconsistent result. Semantic equality keeps the user's spelling whenever
// the provider's value means the same.
type durationType struct{ basetypes.StringType }

func (t durationType) Equal(o attr.Type) bool {
	_, ok := o.(durationType)
	return ok
}

func (t durationType) String() string { return "durationType" }

func (t durationType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return durationValue{StringValue: in}, nil
}

func (t durationType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return durationValue{StringValue: s}, nil
}

func (t durationType) ValueType(context.Context) attr.Value { return durationValue{} }

// durationValue is a duration attribute's value, spelled as the user wrote it.
type durationValue struct{ basetypes.StringValue }

func durationOf(s string) durationValue {
	return durationValue{StringValue: basetypes.NewStringValue(s)}
}

func durationNull() durationValue { return durationValue{StringValue: basetypes.NewStringNull()} }

func (v durationValue) Equal(o attr.Value) bool {
	other, ok := o.(durationValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v durationValue) Type(context.Context) attr.Type { return durationType{} }

// known reports whether the value is set and known.
func (v durationValue) known() bool { return knownString(v.StringValue) }

// StringSemanticEquals treats two spellings of the same span as equal. A
// value that does not parse is only equal to itself, so a typo is never
// hidden behind a prior value.
func (v durationValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	nv, ok := newValuable.(durationValue)
	if !ok {
		diags.AddError("Semantic equality check error", fmt.Sprintf("expected a duration value, got %T; this is a provider bug", newValuable))
		return false, diags
	}
	return sameDuration(v.ValueString(), nv.ValueString()), diags
}

// sameDuration reports whether two duration spellings name the same span.
func sameDuration(a, b string) bool {
	if a == b {
		return true
	}
	da, errA := parseDuration(a)
	db, errB := parseDuration(b)
	return errA == nil && errB == nil && da == db
}

// parseDurationValue reads a known duration value.
func (v durationValue) duration() (time.Duration, error) { return parseDuration(v.ValueString()) }

// durationSpellingNote is appended to every duration attribute's description.
const durationSpellingNote = "Any spelling of the same span (`720h`, `30d`, `43200m`, `720h0m0s`) is the same value: the spelling you write is kept in state, and changing only the spelling is an in-place update that replaces nothing."

// requiresReplaceIfDurationChanged replaces the resource only when the span
// changes, not when its spelling does; a respelling is an in-place update
// that only rewrites state.
func requiresReplaceIfDurationChanged() []planmodifier.String {
	return []planmodifier.String{stringplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !sameDuration(req.StateValue.ValueString(), req.PlanValue.ValueString())
		},
		"Replaces the resource when the duration changes (not when only its spelling does).",
		"Replaces the resource when the duration changes (not when only its spelling does).",
	)}
}
