package provider

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/acme"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// reasonCessationOfOperation is the RFC 5280 CRLReason of a certificate
// whose resource was destroyed: it is no longer needed.
const reasonCessationOfOperation = 5

// revokeOnDestroy revokes the certificate in state when its issuer asks for
// it (a backend with the DestroyRevoker ability, configured so). A failed
// revocation fails the destroy, so the certificate stays in state and the
// next apply retries: a certificate the user asked to have revoked is never
// forgotten while still valid.
func revokeOnDestroy(ctx context.Context, raw tftypes.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	m, err := renewalAttributes(raw)
	if err != nil || m.Issuer.IsNull() {
		return diags
	}
	h, err := issuer.Decode(m.Issuer.ValueString())
	if err != nil {
		return diags
	}
	b, err := issuer.New(ctx, h, os.Getenv)
	if err != nil {
		// Only a backend that revokes on destroy has something to fail
		// here; others (a token that is gone) must not block a destroy.
		if h.Backend == acme.Name {
			diags.AddError("Could not revoke the certificate", fmt.Sprintf("Its %q issuer cannot be opened: %v", h.Backend, err))
		}
		return diags
	}
	dr, ok := b.(issuer.DestroyRevoker)
	if !ok || !dr.RevokeOnDestroy() {
		return diags
	}
	leaf, err := pki.ParseCertPEM(m.CertPEM.ValueString())
	if err != nil {
		diags.AddError("Could not revoke the certificate", "The certificate in state is unreadable: "+err.Error())
		return diags
	}
	if _, err := b.Revoke(ctx, &issuer.RevokeRequest{Serial: leaf.SerialNumber, Certificate: leaf, Reason: reasonCessationOfOperation}); err != nil {
		diags.AddError("Could not revoke the certificate",
			fmt.Sprintf("The %q issuer revokes certificates on destroy, and revoking serial %s failed, so the certificate stays in state; fix the cause and destroy again, or turn revoke_on_destroy off on the issuer and apply first: %v", h.Backend, pki.FormatSerial(leaf.SerialNumber), err))
	}
	return diags
}
