package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/crank-platform/terraform-provider-crank/examples/worker/workertest"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca/stepcatest"
)

const stepCAPassword = "step-ca-provisioner-password"

func stepCAConfig(srv *stepcatest.Server, fingerprint, issuerRef, extra string) string {
	return fmt.Sprintf(`
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "local" {
  subject = { common_name = "Local Root" }
}
data "crank_stepca_issuer" "ca" {
  url              = %q
  root_fingerprint = %q
  provisioner_name = %q
}
resource "crank_certificate" "billing" {
  issuer    = %s
  service   = "billing"
  dns_names = ["billing.svc.internal"]
  validity  = "72h"
}
%s
`, srv.URL, fingerprint, stepcatest.Provisioner, issuerRef, extra)
}

// dumpStateAttrs writes state attributes (file name -> address, attribute)
// into dir for the independent tools.
func dumpStateAttrs(s *terraform.State, dir string, files map[string][2]string) error {
	for name, src := range files {
		v, err := stateAttr(s, src[0], src[1])
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(v), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// verifyAgainst runs openssl verify of the billing certificate against the
// root PEM of attribute
// rootAddr.rootAttr alone, with the certificate's chain as untrusted input.
func verifyAgainst(dir, rootAddr, rootAttr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if err := dumpStateAttrs(s, dir, map[string][2]string{"root.pem": {rootAddr, rootAttr}, "chain.pem": {"crank_certificate.billing", "chain_pem"}, "leaf.pem": {"crank_certificate.billing", "cert_pem"}}); err != nil {
			return err
		}
		out, err := run(dir, "openssl", "verify", "-CAfile", "root.pem", "-untrusted", "chain.pem", "-purpose", "sslserver", "leaf.pem")
		if err != nil {
			return err
		}
		if !strings.Contains(out, "leaf.pem: OK") {
			return fmt.Errorf("openssl verify: %s", out)
		}
		return nil
	}
}

// TestAccStepCAIssuer issues a certificate from the local CA, switches it
// to a real step-ca by editing only its issuer reference (it is re-issued
// and openssl verifies it against step-ca's own root), then checks the
// diagnostics: usages the template cannot honour, a wrong root fingerprint,
// a wrong provisioner password and a stopped server.
func TestAccStepCAIssuer(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	srv := stepcatest.Start(t, stepCAPassword)
	t.Setenv(stepca.PasswordEnv, stepCAPassword)
	dir := t.TempDir()
	local := stepCAConfig(srv, srv.RootFingerprint, "crank_ca.local.issuer", "")
	viaStep := stepCAConfig(srv, srv.RootFingerprint, "data.crank_stepca_issuer.ca.issuer", "")
	second := `
resource "crank_certificate" "second" {
  issuer   = data.crank_stepca_issuer.ca.issuer
  service  = "second"
  validity = "72h"
}`
	var firstSerial string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: local,
				Check: resource.ComposeAggregateTestCheckFunc(
					verifyAgainst(dir, "crank_ca.local", "cert_pem"),
					func(s *terraform.State) (err error) {
						firstSerial, err = stateAttr(s, "crank_certificate.billing", "serial")
						return err
					},
				),
			},
			{
				Config: viaStep,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_certificate.billing", plancheck.ResourceActionReplace),
					noSecretsInPlan{needles: []string{stepCAPassword, "encryptedKey"}},
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					verifyAgainst(dir, "data.crank_stepca_issuer.ca", "root_pem"),
					resource.TestCheckResourceAttrPair("crank_certificate.billing", "ca_bundle_pem", "data.crank_stepca_issuer.ca", "root_pem"),
					resource.TestCheckResourceAttr("crank_certificate.billing", "spiffe_id", "spiffe://example.org/billing"),
					func(s *terraform.State) error {
						serial, err := stateAttr(s, "crank_certificate.billing", "serial")
						if err == nil && serial == firstSerial {
							err = fmt.Errorf("the certificate was not re-issued")
						}
						handle, herr := stateAttr(s, "data.crank_stepca_issuer.ca", "issuer")
						if herr != nil || strings.Contains(handle, "PRIVATE") || strings.Contains(handle, `"key"`) || strings.Contains(handle, "encryptedKey") {
							return fmt.Errorf("the step-ca handle carries key material or is missing (%v): %s", herr, handle)
						}
						for addr, rs := range s.RootModule().Resources {
							for k, v := range rs.Primary.Attributes {
								if strings.Contains(v, stepCAPassword) {
									return fmt.Errorf("%s.%s holds the provisioner password", addr, k)
								}
							}
						}
						return err
					},
				),
			},
			{
				Config: viaStep + `
resource "crank_certificate" "server_only" {
  issuer   = data.crank_stepca_issuer.ca.issuer
  service  = "server-only"
  usages   = ["server"]
  validity = "72h"
}`,
				ExpectError: regexp.MustCompile(`Issuer backend cannot honour usages[\s\S]*"stepca" issuer backend cannot honour usages`),
			},
			{
				Config:      stepCAConfig(srv, strings.Repeat("ab", 32), "data.crank_stepca_issuer.ca.issuer", ""),
				ExpectError: regexp.MustCompile(`step-ca root does not match the pinned fingerprint`),
			},
			{
				PreConfig:   func() { os.Setenv(stepca.PasswordEnv, "not-the-password") },
				Config:      viaStep + second,
				ExpectError: regexp.MustCompile(`provisioner password does not decrypt the provisioner key`),
			},
			{
				PreConfig: func() {
					os.Setenv(stepca.PasswordEnv, stepCAPassword)
					srv.Stop()
				},
				Config:      viaStep + second,
				ExpectError: regexp.MustCompile(`step-ca unreachable`),
			},
		},
	})
}
