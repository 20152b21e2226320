package provider

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var _ resource.ResourceWithUpgradeState = (*certificateResource)(nil)

// certificateSchemaVersion 1 added subject. Version-0 certificates were
// issued with the service name as their common name.
const certificateSchemaVersion = 1

func leafSubjectSchema() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "Distinguished name, for consumers that read CN, O or OU. When unset, the subject is empty (with a critical SAN extension, as RFC 5280 requires) " +
			"or, when `dns_names` is set, `CN=<first DNS name>`: Java and GnuTLS read a common name as a DNS name when there is no DNS SAN and check it against the CA's name constraints, " +
			"so only a CN that is also a DNS SAN is safe under any constraint. A configured subject is checked at plan time the way those stacks read it.",
		PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplace()},
		Attributes:    subjectAttributes(false, "Common name (CN). Without a DNS SAN, Java and GnuTLS (serverAuth) treat it as a host name under DNS name constraints."),
	}
}

func (r *certificateResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{0: {StateUpgrader: upgradeCertificateStateV0}}
}

// upgradeCertificateStateV0 works on the raw JSON: version 0 is version 1
// without subject. The certificate itself is kept; subjectChecks decides at
// plan time whether its old CN forces a re-issue.
func upgradeCertificateStateV0(_ context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	if req.RawState == nil || req.RawState.JSON == nil {
		resp.Diagnostics.AddError("Cannot upgrade crank_certificate state", "The version 0 state has no JSON form.")
		return
	}
	var raw map[string]any
	if err := json.Unmarshal(req.RawState.JSON, &raw); err != nil {
		resp.Diagnostics.AddError("Cannot upgrade crank_certificate state", err.Error())
		return
	}
	raw["subject"] = nil
	out, err := json.Marshal(raw)
	if err != nil {
		resp.Diagnostics.AddError("Cannot upgrade crank_certificate state", err.Error())
		return
	}
	resp.DynamicValue = &tfprotov6.DynamicValue{JSON: out}
}

// subjectChecks replaces a certificate in state whose subject Java or
// GnuTLS would reject under its issuer chain's name constraints: releases
// before schema version 1 wrote the service name as CN, which those stacks
// read as a DNS name outside permitted_dns_domains. Such a certificate
// already fails there, so re-issuing is the fix; every other certificate
// keeps its subject until its renewal.
// issChain is the issuer's certificate followed by its parents.
func subjectChecks(plan, state *certificateModel, leaf *x509.Certificate, issChain []*x509.Certificate, diags *diag.Diagnostics) []path.Path {
	err := pki.CheckSubject(issChain, leaf.Subject, leaf.DNSNames, leaf.IPAddresses, pki.UsagesOf(leaf))
	var pe *pki.PolicyError
	if !errors.As(err, &pe) {
		return nil
	}
	plan.ReadyForRenewal = types.BoolValue(!state.ReadyForRenewal.ValueBool())
	diags.AddAttributeWarning(path.Root("subject"), "Certificate will be re-issued: its subject would be rejected",
		fmt.Sprintf("The certificate for %q in state has subject %q; %s. This plan replaces it with a certificate whose subject is what the configuration says (by default empty, or the first DNS name). Certificates whose subject no stack rejects keep it until renewal.",
			plan.Service.ValueString(), leaf.Subject.String(), pe.Problem))
	return []path.Path{path.Root("ready_for_renewal")}
}
