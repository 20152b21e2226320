package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/crank-platform/terraform-provider-crank/examples/worker/workertest"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/pkcs11"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/pkcs11/softhsmtest"
)

func hsmConfig(module, token, extra string) string {
	return fmt.Sprintf(`
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject     = { common_name = "HSM Root" }
  key_storage = "pkcs11"
  pkcs11      = { module = %[1]q, token_label = %[2]q, key_label = "acc-root" }
}
resource "crank_ca" "services" {
  parent      = crank_ca.root.issuer
  subject     = { common_name = "HSM Services CA" }
  key_storage = "pkcs11"
  pkcs11      = { module = %[1]q, token_label = %[2]q, key_label = "acc-services" }
}
resource "crank_certificate" "billing" {
  issuer  = crank_ca.services.issuer
  service = "billing"
}
resource "crank_crl" "services" {
  issuer  = crank_ca.services.issuer
  revoked = [{ serial = crank_certificate.billing.serial, reason = "keyCompromise" }]
}
%[3]s
`, module, token, extra)
}

// noSecretsInPlan fails when the saved plan JSON holds any of needles.
type noSecretsInPlan struct{ needles []string }

func (c noSecretsInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	raw, err := json.Marshal(req.Plan)
	if err != nil {
		resp.Error = err
		return
	}
	for _, needle := range c.needles {
		if strings.Contains(string(raw), needle) {
			resp.Error = fmt.Errorf("the plan JSON contains %q", needle)
			return
		}
	}
}

// checkHSMState: the CA handles are PKCS#11 handles without key bytes, no
// attribute of any resource holds the PIN, and openssl verifies the leaf
// against the HSM-signed root.
func checkHSMState(dir, pin string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				if strings.Contains(v, pin) {
					return fmt.Errorf("%s.%s holds the PIN", addr, k)
				}
				if strings.HasPrefix(addr, "crank_ca.") && strings.Contains(v, "PRIVATE KEY") {
					return fmt.Errorf("%s.%s holds a private key", addr, k)
				}
			}
		}
		for _, ca := range []string{"crank_ca.root", "crank_ca.services"} {
			handle, err := stateAttr(s, ca, "issuer")
			if err != nil {
				return err
			}
			h, err := issuer.Decode(handle)
			if err != nil || h.Backend != pkcs11.Name || h.Version != issuer.Version2 {
				return fmt.Errorf("%s issuer is %+v, %v; want a version 2 pkcs11 handle", ca, h, err)
			}
			if strings.Contains(string(h.Options), `"key"`) {
				return fmt.Errorf("%s issuer carries a key: %s", ca, h.Options)
			}
		}
		if err := verifyAgainst(dir, "crank_ca.root", "cert_pem")(s); err != nil {
			return err
		}
		if err := dumpStateAttrs(s, dir, map[string][2]string{"crl.pem": {"crank_crl.services", "crl_pem"}}); err != nil {
			return err
		}
		// The CRL the token signed is accepted by openssl and revokes the leaf.
		out, err := run(dir, "openssl", "verify", "-crl_check", "-CAfile", "root.pem", "-untrusted", "chain.pem", "-CRLfile", "crl.pem", "leaf.pem")
		if err == nil || !strings.Contains(out, "certificate revoked") {
			return fmt.Errorf("openssl verify -crl_check must report the leaf revoked: %v\n%s", err, out)
		}
		return nil
	}
}

// TestAccPKCS11CAKey keeps a root and an intermediate key on a SoftHSM2
// token: certificates issue through the token, openssl verifies them, no key
// bytes or PIN reach plan or state, and a missing module, a wrong PIN and a
// key gone from the token each fail the plan with their own diagnostic.
func TestAccPKCS11CAKey(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	if !pkcs11.Built {
		t.Fatal("the provider tests must be built with cgo so PKCS#11 is tested")
	}
	module, token, pin := softhsmtest.Token(t)
	tool := workertest.RequireTool(t, "pkcs11-tool")
	t.Setenv(pkcs11.PINEnv, pin)
	dir := t.TempDir()
	cfg := hsmConfig(module, token, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{noSecretsInPlan{needles: []string{pin, "PRIVATE KEY", `\"key\":`}}}},
				Check:            checkHSMState(dir, pin),
			},
			{
				Config: hsmConfig(module, token, fmt.Sprintf(`
resource "crank_ca" "elsewhere" {
  subject     = { common_name = "No Module" }
  key_storage = "pkcs11"
  pkcs11      = { module = "/nonexistent/libvendor-pkcs11.so", token_label = %q, key_label = "x" }
}`, token)),
				ExpectError: regexp.MustCompile(`PKCS#11 module missing or unusable[\s\S]*/nonexistent/libvendor-pkcs11.so`),
			},
			{
				PreConfig:   func() { os.Setenv(pkcs11.PINEnv, "not-the-pin") },
				Config:      cfg,
				ExpectError: regexp.MustCompile(`Wrong PIN for the PKCS#11 token`),
			},
			{
				PreConfig: func() {
					os.Setenv(pkcs11.PINEnv, pin)
					out, err := exec.Command(tool, "--module", module, "--token-label", token, "--login", "--pin", pin, "--delete-object", "--type", "privkey", "--label", "acc-services").CombinedOutput()
					if err != nil {
						t.Fatalf("pkcs11-tool --delete-object: %v\n%s", err, out)
					}
				},
				Config:      cfg,
				ExpectError: regexp.MustCompile(`CA key not found on the PKCS#11 token[\s\S]*acc-services`),
			},
		},
	})
}
