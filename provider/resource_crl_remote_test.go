package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// TestWarnPermanentRevocations: dropping an entry of a remote issuer's CRL
// warns that the CA keeps it revoked; keeping every entry says nothing.
func TestWarnPermanentRevocations(t *testing.T) {
	prior := []crlRevocation{{Serial: "01"}, {Serial: "02"}}
	var diags diag.Diagnostics
	warnPermanentRevocations(prior, prior, "stepca", &diags)
	if len(diags) != 0 {
		t.Fatalf("no entry dropped, yet: %v", diags)
	}
	warnPermanentRevocations(prior, prior[1:], "stepca", &diags)
	if len(diags) != 1 || diags.HasError() || !strings.Contains(diags[0].Detail(), "01") || strings.Contains(diags[0].Detail(), "02") || !strings.Contains(diags[0].Detail(), "cannot be withdrawn") {
		t.Fatalf("dropping 01: %v", diags)
	}
}
