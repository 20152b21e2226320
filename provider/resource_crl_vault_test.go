package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/crank-platform/terraform-provider-crank/examples/worker/workertest"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/vault"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/vault/vaulttest"
)

// TestAccVaultCRLEntries: a crank_crl of a Vault issuer cannot sign a CRL
// (the CA key stays in Vault), so each revoked entry is revoked through
// <mount>/revoke at apply and the resource exposes the mount's own CRL,
// which openssl verifies against the mount's root and which lists the
// entry's serial; `openssl verify -crl_check` then refuses the certificate.
func TestAccVaultCRLEntries(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	srv := vaulttest.Start(t, vaulttest.Options{})
	t.Setenv(vault.TokenEnv, srv.Token)
	dir := t.TempDir()
	config := fmt.Sprintf(`
provider "crank" {
  trust_domain = "example.org"
}
data "crank_vault_issuer" "pki" {
  address = %q
  mount   = "pki"
  role    = "crank"
}
resource "crank_certificate" "leaked" {
  issuer   = data.crank_vault_issuer.pki.issuer
  service  = "leaked"
  validity = "24h"
}
resource "crank_crl" "pki" {
  issuer  = data.crank_vault_issuer.pki.issuer
  revoked = [{ serial = crank_certificate.leaked.serial, reason = "keyCompromise" }]
}
`, srv.Addr)
	var leaked string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				captureAttr("crank_certificate.leaked", "serial", &leaked),
				resource.TestCheckResourceAttrPtr("crank_crl.pki", "revoked_serials.0", &leaked),
				func(s *terraform.State) error {
					if err := dumpStateAttrs(s, dir, map[string][2]string{
						"root.pem": {"data.crank_vault_issuer.pki", "root_pem"}, "leaf.pem": {"crank_certificate.leaked", "cert_pem"}, "crl.pem": {"crank_crl.pki", "crl_pem"},
					}); err != nil {
						return err
					}
					text, err := run(dir, "openssl", "crl", "-in", "crl.pem", "-noout", "-text", "-CAfile", "root.pem")
					if err != nil || !strings.Contains(text, "verify OK") {
						return fmt.Errorf("openssl crl must verify Vault's CRL against the mount's root: %v\n%s", err, text)
					}
					serial, err := run(dir, "openssl", "x509", "-in", "leaf.pem", "-noout", "-serial")
					if err != nil {
						return err
					}
					if hex := strings.TrimPrefix(strings.TrimSpace(serial), "serial="); !strings.Contains(text, "Serial Number: "+hex) {
						return fmt.Errorf("Vault's CRL does not list the revoked entry %s:\n%s", hex, text)
					}
					if out, err := opensslVerify(dir, "root.pem", "", "leaf.pem", "-crl_check", "-CRLfile", "crl.pem"); err == nil || !strings.Contains(out, "certificate revoked") {
						return fmt.Errorf("openssl verify -crl_check accepted the revoked certificate: %v %s", err, out)
					}
					return nil
				},
			),
		}},
	})
}
