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
// and openssl verifies it against step-ca's own root; a worker that trusts
// a crank_trust_bundle of both roots accepts it before and after the
// switch, one that trusts only the local root refuses it after), then checks the
// diagnostics: usages the template cannot honour, a wrong root fingerprint,
// a wrong provisioner password and a stopped server.
func TestAccStepCAIssuer(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	srv := stepcatest.Start(t, stepCAPassword)
	t.Setenv(stepca.PasswordEnv, stepCAPassword)
	dir := t.TempDir()
	overlap := switchOverlap(writePolicySigningKey(t, dir))
	local := stepCAConfig(srv, srv.RootFingerprint, "crank_ca.local.issuer", overlap)
	viaStep := stepCAConfig(srv, srv.RootFingerprint, "data.crank_stepca_issuer.ca.issuer", overlap)
	second := `
resource "crank_certificate" "second" {
  issuer   = data.crank_stepca_issuer.ca.issuer
  service  = "second"
  validity = "72h"
}`
	var firstSerial, switchedSerial string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: local,
				Check: resource.ComposeAggregateTestCheckFunc(
					verifyAgainst(dir, "crank_ca.local", "cert_pem"),
					callAcrossSwitch(t, dir, true),
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
					callAcrossSwitch(t, dir, false),
					captureAttr("crank_certificate.billing", "serial", &switchedSerial),
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
						if err != nil {
							return err
						}
						return noKeysInState(stepCAPassword)(s)
					},
				),
			},
			{
				// Opting in to revocation on destroy changes only the handle:
				// the certificate records it in place, it is not re-issued.
				// (Opted out again below, so the final destroy of the
				// stopped-server step has nothing to revoke.)
				Config: strings.Replace(viaStep, `provisioner_name = "crank"`, "provisioner_name = \"crank\"\n  revoke_on_destroy = true", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_certificate.billing", plancheck.ResourceActionUpdate),
				}},
				Check: resource.TestCheckResourceAttrPtr("crank_certificate.billing", "serial", &switchedSerial),
			},
			{
				Config: viaStep,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_certificate.billing", plancheck.ResourceActionUpdate),
				}},
				Check: resource.TestCheckResourceAttrPtr("crank_certificate.billing", "serial", &switchedSerial),
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

// switchOverlap is the other side of the migration: a billing worker
// (examples/worker serves "billing") that stays on the local CA and trusts a
// crank_trust_bundle of both roots while its caller, the billing identity
// being switched, moves to step-ca; and the worker's signed bundle.
func switchOverlap(signingKey string) string {
	return fmt.Sprintf(`
resource "crank_certificate" "worker" {
  issuer       = crank_ca.local.issuer
  service      = "billing"
  ip_addresses = ["127.0.0.1"]
  validity     = "72h"
}
data "crank_trust_bundle" "overlap" {
  certificates_pem = [crank_ca.local.cert_pem, data.crank_stepca_issuer.ca.root_pem]
}
resource "crank_capability" "read" {
  service     = "billing"
  name        = "invoice.read"
  http_method = "GET"
  http_path   = "/v1/invoices/{id}"
}
resource "crank_cap_rule" "billing_reads" {
  id           = "billing-reads"
  service      = "billing"
  action       = "allow"
  callers      = [{ service = "billing" }]
  capabilities = ["invoice.read"]
}
resource "crank_cap_policy" "billing" {
  service          = "billing"
  capabilities     = [crank_capability.read.capability]
  rules            = [crank_cap_rule.billing_reads.rule]
  known_services   = ["billing"]
  signing_key_file = %q
}
`, signingKey)
}

// callAcrossSwitch runs examples/worker on the local worker certificate trusting the overlap
// bundle and calls it with billing's certificate through the real curl:
// accepted whichever CA issued billing's. Once billing comes from step-ca
// (beforeSwitch false), a worker trusting only the local root must refuse
// it, which shows the bundle is what keeps the handshake working.
func callAcrossSwitch(t *testing.T, dir string, beforeSwitch bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		write := func(name, content string) error {
			return os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600)
		}
		if err := writeStateFiles(s, "crank_certificate.worker", "worker", write); err != nil {
			return err
		}
		if err := writeStateFiles(s, "crank_certificate.billing", "billing", write); err != nil {
			return err
		}
		if err := dumpStateAttrs(s, dir, map[string][2]string{
			"overlap.pem": {"data.crank_trust_bundle.overlap", "bundle_pem"}, "local-root.pem": {"crank_ca.local", "cert_pem"},
			"worker-bundle.json": {"crank_cap_policy.billing", "signed_bundle_json"}, "worker-keys.pem": {"crank_cap_policy.billing", "signing_public_key"},
		}); err != nil {
			return err
		}
		call := func(trust string) workertest.CurlResult {
			w := workertest.Start(t, "-listen", "127.0.0.1:0",
				"-cert", filepath.Join(dir, "worker.pem"), "-key", filepath.Join(dir, "worker.key"),
				"-ca", filepath.Join(dir, trust), "-bundle", filepath.Join(dir, "worker-bundle.json"),
				"-policy-keys", filepath.Join(dir, "worker-keys.pem"), "-reload-interval", "1h")
			return workertest.Curl(t, dir, filepath.Join(dir, "local-root.pem"), "billing", "GET", "https://"+w.Addr+"/v1/invoices/7")
		}
		if r := call("overlap.pem"); r.ExitCode != 0 || r.Status != "200" || !strings.Contains(string(r.Body), "spiffe://example.org/billing") {
			return fmt.Errorf("billing -> worker trusting both roots (before switch %v): curl exit %d, HTTP %s, body %s, stderr %s", beforeSwitch, r.ExitCode, r.Status, r.Body, r.Stderr)
		}
		if !beforeSwitch {
			if r := call("local-root.pem"); r.ExitCode == 0 || r.Status != "000" {
				return fmt.Errorf("a worker trusting only the local root accepted billing's step-ca certificate: curl exit %d, HTTP %s", r.ExitCode, r.Status)
			}
		}
		return nil
	}
}
