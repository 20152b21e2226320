package provider

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/crank-platform/terraform-provider-crank/examples/worker/workertest"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/pkcs11"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/pkcs11/softhsmtest"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca/stepcatest"
)

// TestAccKeylessOnlineAndHSM is the keyless flow through the online backend
// and the HSM: the service keys are made with openssl outside Terraform, a
// CSR goes to a real step-ca (which checks its SANs) and a public key to a
// SoftHSM2-held CA. Neither the saved plan nor the state holds any private
// key bytes, the provisioner password or key, or the PIN; openssl verifies
// both certificates against their own roots.
func TestAccKeylessOnlineAndHSM(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	if !pkcs11.Built {
		t.Fatal("the provider tests must be built with cgo so PKCS#11 is tested")
	}
	srv := stepcatest.Start(t, stepCAPassword)
	t.Setenv(stepca.PasswordEnv, stepCAPassword)
	module, token, pin := softhsmtest.Token(t)
	t.Setenv(pkcs11.PINEnv, pin)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "step.key", "-out", "step.csr",
			"-subj", `/CN=spiffe:\/\/example.org\/keyless`, "-addext", "subjectAltName=URI:spiffe://example.org/keyless"},
		{"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "other.key", "-out", "other.csr",
			"-subj", "/O=Crank", "-addext", "subjectAltName=URI:spiffe://example.org/other"},
		{"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "hsm.key"},
		{"pkey", "-in", "hsm.key", "-pubout", "-out", "hsm.pub"},
	} {
		if out, err := run(dir, "openssl", args...); err != nil {
			t.Fatal(out, err)
		}
	}
	cfg := fmt.Sprintf(`
provider "crank" {
  trust_domain = "example.org"
}
data "crank_stepca_issuer" "ca" {
  url              = %q
  root_fingerprint = %q
  provisioner_name = %q
}
resource "crank_ca" "hsm" {
  subject     = { common_name = "Keyless HSM Root" }
  key_storage = "pkcs11"
  pkcs11      = { module = %q, token_label = %q, key_label = "keyless-root" }
}
resource "crank_certificate" "via_stepca" {
  issuer   = data.crank_stepca_issuer.ca.issuer
  service  = "keyless"
  csr_pem  = file(%q)
  validity = "72h"
}
resource "crank_certificate" "via_hsm" {
  issuer         = crank_ca.hsm.issuer
  service        = "keyless"
  public_key_pem = file(%q)
  validity       = "72h"
}
`, srv.URL, srv.RootFingerprint, stepcatest.Provisioner, module, token, filepath.Join(dir, "step.csr"), filepath.Join(dir, "hsm.pub"))
	secrets := []string{"PRIVATE KEY", stepCAPassword, "encryptedKey", pin, `\"key\":`}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{{
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{noSecretsInPlan{needles: secrets}}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckNoResourceAttr("crank_certificate.via_stepca", "private_key_pem"),
				resource.TestCheckNoResourceAttr("crank_certificate.via_hsm", "private_key_pem"),
				func(s *terraform.State) error {
					for addr, rs := range s.RootModule().Resources {
						for k, v := range rs.Primary.Attributes {
							for _, needle := range append(secrets, `"key":`) {
								if strings.Contains(v, needle) {
									return fmt.Errorf("%s.%s holds %q", addr, k, needle)
								}
							}
						}
					}
					for name, src := range map[string][3]string{
						"step": {"data.crank_stepca_issuer.ca", "root_pem", "crank_certificate.via_stepca"},
						"hsm":  {"crank_ca.hsm", "cert_pem", "crank_certificate.via_hsm"},
					} {
						if err := dumpStateAttrs(s, dir, map[string][2]string{name + "-root.pem": {src[0], src[1]}, name + ".pem": {src[2], "chain_pem"}}); err != nil {
							return err
						}
						out, err := run(dir, "openssl", "verify", "-CAfile", name+"-root.pem", "-untrusted", name+".pem", name+".pem")
						if err != nil || !strings.Contains(out, name+".pem: OK") {
							return fmt.Errorf("openssl verify %s: %v\n%s", name, err, out)
						}
					}
					return nil
				},
			),
		}, {
			// Refused at plan time, as step-ca would refuse them: a bare
			// public key (no request to send), and a request for other names.
			Config: cfg + fmt.Sprintf(`
resource "crank_certificate" "bare_key" {
  issuer         = data.crank_stepca_issuer.ca.issuer
  service        = "bare"
  public_key_pem = file(%q)
  validity       = "72h"
}`, filepath.Join(dir, "hsm.pub")),
			ExpectError: regexp.MustCompile(`(?s)The issuer cannot sign this key as supplied.*step-ca signs only certificate signing\s+requests`),
		}, {
			Config: cfg + fmt.Sprintf(`
resource "crank_certificate" "other_names" {
  issuer   = data.crank_stepca_issuer.ca.issuer
  service  = "keyless-two"
  csr_pem  = file(%q)
  validity = "72h"
}`, filepath.Join(dir, "other.csr")),
			ExpectError: regexp.MustCompile(`(?s)step-ca would refuse this certificate\s+request.*spiffe://example.org/other.*spiffe://example.org/keyless-two`),
		}},
	})
}
