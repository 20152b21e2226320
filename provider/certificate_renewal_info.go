package provider

import (
	"context"
	"crypto/x509"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
)

// renewalInfoStart asks a backend that has the RenewalAdvisor ability (ACME
// with ARI) when its CA wants leaf renewed. The advice can only bring
// renewal forward; when the CA cannot be asked, the plan says so and keeps
// the local window, because ARI is advice, not a security control.
func renewalInfoStart(handle string, leaf *x509.Certificate, diags *diag.Diagnostics) (time.Time, bool) {
	_, b, err := resolveBackend(handle)
	if err != nil {
		return time.Time{}, false
	}
	adv, ok := b.(issuer.RenewalAdvisor)
	if !ok {
		return time.Time{}, false
	}
	start, _, ok, err := adv.RenewalWindow(context.Background(), leaf)
	if err != nil {
		diags.AddWarning("Renewal information unavailable",
			"The CA's renewal information (RFC 9773) for the certificate with serial "+leaf.SerialNumber.Text(16)+" could not be read, so this plan uses renew_before alone: "+err.Error())
		return time.Time{}, false
	}
	return start, ok
}
