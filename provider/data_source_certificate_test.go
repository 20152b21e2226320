package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

const dataSourceConfig = `
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject = { common_name = "DS Root" }
}
resource "crank_ca" "inter" {
  parent  = crank_ca.root.issuer
  subject = { common_name = "DS Intermediate" }
}
resource "crank_ca" "other" {
  subject = { common_name = "Other Root" }
}
resource "crank_certificate" "svc" {
  issuer    = crank_ca.inter.issuer
  service   = "payments/billing"
  dns_names = ["billing.internal"]
}
data "crank_certificate" "svc" {
  pem           = crank_certificate.svc.chain_pem
  ca_bundle_pem = crank_certificate.svc.ca_bundle_pem
}
data "crank_certificate" "wrong_root" {
  pem           = crank_certificate.svc.chain_pem
  ca_bundle_pem = crank_ca.other.cert_pem
}
data "crank_certificate" "ca" {
  pem = crank_ca.inter.cert_pem
}
`

func TestAccCertificateDataSource(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{{
			Config: dataSourceConfig,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.crank_certificate.svc", "spiffe_id", "spiffe://example.org/payments/billing"),
				// The default subject is CN = the first DNS SAN.
				resource.TestCheckResourceAttr("data.crank_certificate.svc", "common_name", "billing.internal"),
				resource.TestCheckResourceAttr("data.crank_certificate.svc", "dns_names.0", "billing.internal"),
				resource.TestCheckResourceAttr("data.crank_certificate.svc", "is_ca", "false"),
				resource.TestCheckResourceAttr("data.crank_certificate.svc", "verified", "true"),
				resource.TestCheckResourceAttr("data.crank_certificate.svc", "verify_reason", "ok"),
				resource.TestCheckResourceAttrPair("data.crank_certificate.svc", "fingerprint_sha256", "crank_certificate.svc", "fingerprint_sha256"),
				resource.TestCheckResourceAttrPair("data.crank_certificate.svc", "serial", "crank_certificate.svc", "serial"),
				resource.TestCheckResourceAttrPair("data.crank_certificate.svc", "authority_key_id", "crank_ca.inter", "subject_key_id"),
				resource.TestCheckResourceAttr("data.crank_certificate.wrong_root", "verified", "false"),
				resource.TestMatchResourceAttr("data.crank_certificate.wrong_root", "verify_reason", regexp.MustCompile(`not issued by any of the given roots`)),
				resource.TestCheckResourceAttr("data.crank_certificate.ca", "is_ca", "true"),
				resource.TestCheckNoResourceAttr("data.crank_certificate.ca", "verified"),
			),
		}},
	})
}

func TestAccCertificateDataSourceBadPEM(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{{
			Config:      `data "crank_certificate" "x" { pem = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n" }`,
			ExpectError: regexp.MustCompile(`no PEM "CERTIFICATE" block found`),
		}},
	})
}

// TestAccFunctions exercises the provider functions; they need a CLI with
// provider-defined functions (Terraform 1.8+, OpenTofu 1.7+).
func TestAccFunctions(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				Config:      `output "x" { value = provider::crank::spiffe_id("Example.org", "billing") }`,
				ExpectError: regexp.MustCompile(`trust domain must be lowercase`),
			},
			{
				Config:      `output "x" { value = provider::crank::parse_certificate("nope") }`,
				ExpectError: regexp.MustCompile(`no PEM "CERTIFICATE" block found`),
			},
			{
				Config: dataSourceConfig + `
output "parsed" {
  value = provider::crank::parse_certificate(crank_certificate.svc.cert_pem)
}
output "id" {
  value = provider::crank::spiffe_id("example.org", "payments/billing")
}
output "good" {
  value = provider::crank::verify_chain(crank_certificate.svc.cert_pem, crank_ca.inter.cert_pem, crank_ca.root.cert_pem)
}
output "no_intermediate" {
  value = provider::crank::verify_chain(crank_certificate.svc.cert_pem, "", crank_ca.root.cert_pem)
}
output "wrong_root" {
  value = provider::crank::verify_chain(crank_certificate.svc.cert_pem, crank_ca.inter.cert_pem, crank_ca.other.cert_pem)
}
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckOutput("id", "spiffe://example.org/payments/billing"),
					resource.TestCheckResourceAttrPair("crank_certificate.svc", "spiffe_id", "data.crank_certificate.svc", "spiffe_id"),
					checkOutputAttr("parsed", "spiffe_id", "spiffe://example.org/payments/billing"),
					checkOutputAttr("parsed", "is_ca", "false"),
					checkOutputAttr("good", "valid", "true"),
					checkOutputAttr("good", "reason", "ok"),
					checkOutputAttr("no_intermediate", "valid", "false"),
					checkOutputAttr("wrong_root", "valid", "false"),
				),
			},
		},
	})
}
