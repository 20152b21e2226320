package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

func TestDurationSemanticEquals(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		a, b string
		want bool
	}{
		{"720h", "30d", true},
		{"720h0m0s", "30d", true},
		{"43200m", "720h", true},
		{"90m", "1h30m0s", true},
		{"1m", "1m0s", true},
		{"1m", "60s", true},
		{"30d", "31d", false},
		{"1m", "1h", false},
		{"ninety days", "90d", false},
		{"x", "x", true},
	}
	for _, c := range cases {
		got, diags := durationOf(c.a).StringSemanticEquals(ctx, durationOf(c.b))
		if diags.HasError() {
			t.Fatalf("%q vs %q: %v", c.a, c.b, diags)
		}
		if got != c.want {
			t.Errorf("%q semantically equals %q = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// durationConfig spells every duration attribute (CA validity, certificate
// validity and renew_before, CRL next_update) with the given spellings.
func durationConfig(caValidity, leafValidity, renewBefore, nextUpdate string) string {
	return fmt.Sprintf(`
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject  = { common_name = "Duration Root" }
  validity = %q
}
resource "crank_certificate" "svc" {
  issuer       = crank_ca.root.issuer
  service      = "svc"
  validity     = %q
  renew_before = %q
}
resource "crank_crl" "root" {
  issuer      = crank_ca.root.issuer
  next_update = %q
}
`, caValidity, leafValidity, renewBefore, nextUpdate)
}

// TestAccDurationSpellings: each spelling of issue 20 plans, applies and
// re-plans empty (plugin-testing's post-apply plan check), keeps the
// spelling the user wrote, and a respelling of the same span only updates
// in place: nothing is replaced, no certificate is re-issued.
func TestAccDurationSpellings(t *testing.T) {
	requireAcc(t)
	// A CRL of one minute would be due for re-signing within seconds, so
	// next_update gets the same spelling style at a CRL-sized span.
	crlSpelling := map[string]string{"720h": "720h", "90m": "90m", "1m": "10080m", "30d": "30d", "1h0m0s": "168h0m0s"}
	for _, spelling := range []string{"720h", "90m", "1m", "30d", "1h0m0s"} {
		t.Run(spelling, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccFactories,
				Steps: []resource.TestStep{
					{
						Config: durationConfig("87600h", "2000h", spelling, crlSpelling[spelling]),
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttr("crank_certificate.svc", "renew_before", spelling),
							resource.TestCheckResourceAttr("crank_crl.root", "next_update", crlSpelling[spelling]),
							resource.TestCheckResourceAttr("crank_ca.root", "validity", "87600h"),
						),
					},
				},
			})
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{Config: durationConfig("3650d", "90d", "720h", "168h")},
			{
				Config: durationConfig("87600h", "2160h", "30d", "7d"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_ca.root", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("crank_certificate.svc", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_certificate.svc", "renew_before", "30d"),
					resource.TestCheckResourceAttr("crank_certificate.svc", "validity", "2160h"),
					resource.TestCheckResourceAttr("crank_ca.root", "validity", "87600h"),
				),
			},
		},
	})
}
