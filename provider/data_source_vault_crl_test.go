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
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/vault"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/vault/vaulttest"
)

func vaultRevokeConfig(srv *vaulttest.Server, extra string) string {
	return fmt.Sprintf(`
provider "crank" {
  trust_domain = "example.org"
}
data "crank_vault_issuer" "pki" {
  address           = %q
  mount             = "pki"
  role              = "crank"
  revoke_on_destroy = true
}
resource "crank_certificate" "billing" {
  issuer    = data.crank_vault_issuer.pki.issuer
  service   = "billing"
  dns_names = ["billing.svc.internal"]
  validity  = "24h"
}
%s
`, srv.Addr, extra)
}

const vaultDoomedCert = `
resource "crank_certificate" "doomed" {
  issuer   = data.crank_vault_issuer.pki.issuer
  service  = "doomed"
  validity = "24h"
}
`

const vaultCRLAndBundle = `
data "crank_vault_crl" "pki" {
  issuer = data.crank_vault_issuer.pki.issuer
}
data "crank_trust_bundle" "rotation" {
  certificates_pem = [data.crank_vault_issuer.pki.trust_bundle_pem]
}
`

// TestAccVaultRevocationAndRotation: a certificate of a revoke_on_destroy
// issuer is revoked through pki/revoke when it is destroyed, and its serial
// is on the mount's CRL (read by crank_vault_crl and checked with `openssl
// crl` and `openssl verify -crl_check`). Then the mount's root is rotated
// (a new default issuer): the next plan re-issues the certificate through
// the new issuer, and the trust bundle of both issuers verifies the old and
// the new leaf.
func TestAccVaultRevocationAndRotation(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	srv := vaulttest.Start(t, vaulttest.Options{})
	t.Setenv(vault.TokenEnv, srv.Token)
	dir := t.TempDir()
	var doomedSerial, oldRoot string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: vaultRevokeConfig(srv, vaultDoomedCert),
				Check: func(s *terraform.State) (err error) {
					if doomedSerial, err = stateAttr(s, "crank_certificate.doomed", "serial"); err != nil {
						return err
					}
					oldRoot, _ = stateAttr(s, "data.crank_vault_issuer.pki", "root_pem")
					return dumpStateAttrs(s, dir, map[string][2]string{
						"doomed.pem": {"crank_certificate.doomed", "cert_pem"}, "old-billing.pem": {"crank_certificate.billing", "cert_pem"},
						"root-a.pem": {"data.crank_vault_issuer.pki", "root_pem"},
					})
				},
			},
			{
				// Destroying doomed revokes it; the CRL is read on the next plan.
				Config: vaultRevokeConfig(srv, ""),
			},
			{
				Config: vaultRevokeConfig(srv, vaultCRLAndBundle),
				Check: resource.ComposeAggregateTestCheckFunc(
					func(s *terraform.State) error {
						serials, err := stateAttr(s, "data.crank_vault_crl.pki", "revoked_serials.#")
						if err != nil || serials == "0" {
							return fmt.Errorf("no serial on the CRL (%v)", err)
						}
						found := false
						for i := 0; ; i++ {
							v, err := stateAttr(s, "data.crank_vault_crl.pki", fmt.Sprintf("revoked_serials.%d", i))
							if err != nil {
								break
							}
							found = found || v == doomedSerial
						}
						if !found {
							return fmt.Errorf("serial %s is not in revoked_serials", doomedSerial)
						}
						if err := writeAttr(s, dir, "crl.pem", "data.crank_vault_crl.pki", "crl_pem"); err != nil {
							return err
						}
						text, err := run(dir, "openssl", "crl", "-in", "crl.pem", "-noout", "-text", "-CAfile", "root-a.pem")
						if err != nil {
							return err
						}
						if !strings.Contains(text, "Serial Number: "+strings.ReplaceAll(doomedSerial, ":", "")) || !strings.Contains(text, "verify OK") {
							return fmt.Errorf("openssl crl does not list %s or does not verify it:\n%s", doomedSerial, text)
						}
						if out, err := opensslVerify(dir, "root-a.pem", "", "doomed.pem", "-crl_check", "-CRLfile", "crl.pem"); err == nil || !strings.Contains(out, "certificate revoked") {
							return fmt.Errorf("openssl verify -crl_check accepted the revoked certificate: %v %s", err, out)
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() { srv.RotateRoot(t, "root-b") },
				Config:    vaultRevokeConfig(srv, vaultCRLAndBundle),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_certificate.billing", plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.crank_vault_issuer.pki", "issuers.#", "2"),
					resource.TestCheckResourceAttr("data.crank_vault_issuer.pki", "issuers.0.issuer_name", "root-b"),
					resource.TestCheckResourceAttr("data.crank_vault_issuer.pki", "issuers.0.is_default", "true"),
					resource.TestCheckResourceAttr("data.crank_trust_bundle.rotation", "certificates.#", "2"),
					func(s *terraform.State) error {
						if root, _ := stateAttr(s, "data.crank_vault_issuer.pki", "root_pem"); root == oldRoot {
							return fmt.Errorf("root_pem did not move to the new issuer")
						}
						if err := dumpStateAttrs(s, dir, map[string][2]string{"bundle.pem": {"data.crank_trust_bundle.rotation", "bundle_pem"}, "new-billing.pem": {"crank_certificate.billing", "cert_pem"}, "root-b.pem": {"data.crank_vault_issuer.pki", "root_pem"}}); err != nil {
							return err
						}
						for _, c := range [][2]string{{"bundle.pem", "old-billing.pem"}, {"bundle.pem", "new-billing.pem"}, {"root-b.pem", "new-billing.pem"}} {
							if out, err := opensslVerify(dir, c[0], "", c[1]); err != nil || !strings.Contains(out, ": OK") {
								return fmt.Errorf("openssl verify -CAfile %s %s: %v %s", c[0], c[1], err, out)
							}
						}
						if out, _ := opensslVerify(dir, "root-b.pem", "", "old-billing.pem"); strings.Contains(out, ": OK") {
							return fmt.Errorf("the old leaf verified against the new root alone: the rotation did not happen")
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccVaultIntermediate: Vault generates an intermediate's key, a crank
// root signs its CSR, the certificate is set back, and a leaf issued
// through that issuer verifies with openssl against the crank root. The
// intermediate's key exists only in Vault.
func TestAccVaultIntermediate(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	srv := vaulttest.Start(t, vaulttest.Options{})
	srv.EnableMount(t, "pki_int")
	// Vault backdates a leaf by the role's not_before_duration and refuses
	// one that starts before its issuer; this issuer is seconds old.
	role := vaulttest.RoleSettings()
	role["not_before_duration"] = "0s"
	srv.Write(t, "pki_int/roles/"+vaulttest.Role, role)
	t.Setenv(vault.TokenEnv, srv.RootToken)
	dir := t.TempDir()
	config := fmt.Sprintf(`
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject          = { common_name = "Crank Offline Root" }
  name_constraints = { permitted_uri_domains = ["example.org"], permitted_dns_domains = ["svc.internal"] }
}
resource "crank_vault_intermediate" "int" {
  address     = %q
  mount       = "pki_int"
  parent      = crank_ca.root.issuer
  common_name = "Vault-held Intermediate"
  issuer_name = "crank-int"
  validity    = "4380h"
}
data "crank_vault_issuer" "int" {
  address    = crank_vault_intermediate.int.address
  mount      = "pki_int"
  role       = "crank"
  issuer_ref = crank_vault_intermediate.int.issuer_id
}
resource "crank_certificate" "billing" {
  issuer    = data.crank_vault_issuer.int.issuer
  service   = "billing"
  dns_names = ["billing.svc.internal"]
  validity  = "72h"
}
`, srv.Addr)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				verifyAgainst(dir, "crank_ca.root", "cert_pem"),
				resource.TestCheckResourceAttrPair("crank_certificate.billing", "ca_bundle_pem", "crank_ca.root", "cert_pem"),
				resource.TestCheckResourceAttrPair("data.crank_vault_issuer.int", "cert_pem", "crank_vault_intermediate.int", "cert_pem"),
				func(s *terraform.State) error {
					rs := s.RootModule().Resources["crank_vault_intermediate.int"]
					for k, v := range rs.Primary.Attributes {
						if strings.Contains(v, "PRIVATE KEY") {
							return fmt.Errorf("crank_vault_intermediate.%s holds a private key", k)
						}
					}
					keyID := rs.Primary.Attributes["key_id"]
					key, err := srv.API.Logical().Read("pki_int/key/" + keyID)
					if err != nil || key == nil || key.Data["key_type"] != "ec" {
						return fmt.Errorf("the intermediate's key %s is not held by Vault: %v %v", keyID, key, err)
					}
					name, err := srv.API.Logical().Read("pki_int/issuer/crank-int")
					if err != nil || name == nil || name.Data["issuer_id"] != rs.Primary.Attributes["issuer_id"] {
						return fmt.Errorf("issuer crank-int is not the new issuer: %v %v", name, err)
					}
					return nil
				},
			),
		}},
	})
}

// TestAccVaultTLSWorker: over a `vault server -dev-tls`, the CA bundle
// verifies Vault; examples/worker serves with a Vault-issued certificate and
// admits curl's Vault-issued client certificate in an mTLS handshake; and
// without the CA bundle the plan fails on Vault's TLS.
func TestAccVaultTLSWorker(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "curl")
	srv := vaulttest.Start(t, vaulttest.Options{TLS: true})
	t.Setenv(vault.TokenEnv, srv.Token)
	dir := t.TempDir()
	config := fmt.Sprintf(`
provider "crank" {
  trust_domain = "example.org"
}
data "crank_vault_issuer" "pki" {
  address     = %q
  ca_cert_pem = %q
  mount       = "pki"
  role        = "crank"
}
resource "crank_certificate" "billing" {
  issuer       = data.crank_vault_issuer.pki.issuer
  service      = "billing"
  ip_addresses = ["127.0.0.1"]
  validity     = "24h"
}
resource "crank_certificate" "worker" {
  issuer       = data.crank_vault_issuer.pki.issuer
  service      = "worker"
  ip_addresses = ["127.0.0.1"]
  validity     = "24h"
}
resource "crank_capability" "read" {
  service     = "billing"
  name        = "invoice.read"
  http_method = "GET"
  http_path   = "/v1/invoices/{id}"
}
resource "crank_cap_rule" "worker_read" {
  id           = "worker-read"
  service      = "billing"
  action       = "allow"
  callers      = [{ service = "worker" }]
  capabilities = ["invoice.read"]
}
resource "crank_cap_policy" "billing" {
  service          = "billing"
  capabilities     = [crank_capability.read.capability]
  rules            = [crank_cap_rule.worker_read.rule]
  known_services   = ["billing", "worker"]
  signing_key_file = %q
}
`, srv.Addr, srv.CACertPEM, writePolicySigningKey(t, dir))
	write := func(name, content string) error {
		return os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					for _, name := range []string{"billing", "worker"} {
						if err := writeStateFiles(s, "crank_certificate."+name, name, write); err != nil {
							return err
						}
					}
					return dumpStateAttrs(s, dir, map[string][2]string{
						"root.pem": {"data.crank_vault_issuer.pki", "root_pem"}, "bundle.json": {"crank_cap_policy.billing", "signed_bundle_json"},
						"policy-keys.pem": {"crank_cap_policy.billing", "signing_public_key"},
					})
				},
			},
			{
				Config:      strings.Replace(config, fmt.Sprintf("ca_cert_pem = %q", srv.CACertPEM), "", 1),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Vault's TLS certificate does not verify[\s\S]*ca_cert_pem`),
			},
		},
	})
	if t.Failed() {
		return
	}
	worker := workertest.Start(t, "-listen", "127.0.0.1:0",
		"-cert", filepath.Join(dir, "billing.pem"), "-key", filepath.Join(dir, "billing.key"),
		"-ca", filepath.Join(dir, "root.pem"), "-bundle", filepath.Join(dir, "bundle.json"),
		"-policy-keys", filepath.Join(dir, "policy-keys.pem"), "-reload-interval", "1h")
	r := workertest.Curl(t, dir, filepath.Join(dir, "root.pem"), "worker", "GET", "https://"+worker.Addr+"/v1/invoices/42")
	if r.ExitCode != 0 || r.Status != "200" || !strings.Contains(string(r.Body), "spiffe://example.org/worker") {
		t.Fatalf("mTLS call with Vault-issued certificates: curl exit %d, HTTP %s, body %s, stderr %s", r.ExitCode, r.Status, r.Body, r.Stderr)
	}
	if r := workertest.Curl(t, dir, filepath.Join(dir, "root.pem"), "", "GET", "https://"+worker.Addr+"/v1/invoices/42"); r.ExitCode == 0 {
		t.Fatalf("a call without a client certificate got through: HTTP %s", r.Status)
	}
}
