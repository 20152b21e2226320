package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// crlTrackingConfig issues one certificate per name and tracks them all.
func crlTrackingConfig(names ...string) string {
	var b strings.Builder
	b.WriteString(`
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject = { common_name = "Tracking Root" }
}
`)
	var tracked []string
	for _, n := range names {
		fmt.Fprintf(&b, "resource \"crank_certificate\" %q {\n  issuer  = crank_ca.root.issuer\n  service = %q\n}\n", n, n)
		tracked = append(tracked, "crank_certificate."+n+".cert_pem")
	}
	fmt.Fprintf(&b, "resource \"crank_crl\" \"root\" {\n  issuer               = crank_ca.root.issuer\n  tracked_certificates = [%s]\n}\n", strings.Join(tracked, ", "))
	return b.String()
}

// TestAccCRLTrackedAddAndDrop: adding a tracked certificate in the same
// apply that creates it used to break the final plan ("crl_number: was 2,
// but now 1"). Each step adds and/or drops tracked certificates in a single
// apply; the plan holds, the number only moves when a CRL is signed, and
// the re-plan is empty (plugin-testing checks that after every step).
func TestAccCRLTrackedAddAndDrop(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{Config: crlTrackingConfig("a"), Check: resource.TestCheckResourceAttr("crank_crl.root", "crl_number", "1")},
			{
				// Added: nothing revoked, the CRL and its number stay.
				Config: crlTrackingConfig("a", "b"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_crl.root", "crl_number", "1"),
					resource.TestCheckResourceAttr("crank_crl.root", "revoked_serials.#", "0"),
				),
			},
			{
				// Added c and dropped a in one apply: a is revoked, CRL 2.
				Config: crlTrackingConfig("b", "c"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_crl.root", "crl_number", "2"),
					resource.TestCheckResourceAttr("crank_crl.root", "revoked_serials.#", "1"),
				),
			},
			{
				// Dropped b, added d and e.
				Config: crlTrackingConfig("c", "d", "e"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_crl.root", "crl_number", "3"),
					resource.TestCheckResourceAttr("crank_crl.root", "revoked_serials.#", "2"),
				),
			},
		},
	})
}
