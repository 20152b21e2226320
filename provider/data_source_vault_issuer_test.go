package provider

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/crank-platform/terraform-provider-crank/examples/worker/workertest"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/vault"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/vault/vaulttest"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// vaultConfig: a local CA, a Vault issuer through a scoped token and one
// through AppRole, and crank_certificate.billing issued by billingIssuer.
func vaultConfig(srv *vaulttest.Server, billingIssuer, extra string) string {
	return fmt.Sprintf(`
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "local" {
  subject = { common_name = "Local Root" }
}
data "crank_vault_issuer" "pki" {
  address     = %[1]q
  ca_cert_pem = %[2]q
  mount       = "pki"
  role        = "crank"
}
resource "crank_certificate" "billing" {
  issuer    = %[3]s
  service   = "billing"
  dns_names = ["billing.svc.internal"]
  validity  = "72h"
}
%[4]s
`, srv.Addr, srv.CACertPEM, billingIssuer, extra)
}

const vaultAppRoleCert = `
data "crank_vault_issuer" "approle" {
  address     = data.crank_vault_issuer.pki.address
  mount       = "pki"
  role        = "crank"
  auth_method = "approle"
}
resource "crank_certificate" "batch" {
  issuer    = data.crank_vault_issuer.approle.issuer
  service   = "batch"
  dns_names = ["batch.svc.internal"]
  validity  = "24h"
}
data "crank_trust_bundle" "overlap" {
  certificates_pem = [crank_ca.local.cert_pem, data.crank_vault_issuer.pki.trust_bundle_pem]
}
`

// wrapped matches text as Terraform prints it in a diagnostic, where any
// space may have become a line break; the rest of text is literal.
func wrapped(text string) *regexp.Regexp {
	parts := strings.Split(text, " ")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(strings.Join(parts, `\s+`))
}

const templatedCert = `
resource "crank_certificate" "templated" {
  issuer    = data.crank_vault_issuer.pki.issuer
  service   = "templated"
  dns_names = ["templated.svc.internal"]
  validity  = "24h"
}
`

func writeIn(dir string) func(name, content string) error {
	return func(name, content string) error {
		return os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600)
	}
}

// opensslVerify checks leaf against the CA file alone (with untrusted
// intermediates when given) and returns openssl's output.
func opensslVerify(dir, caFile, untrusted, leaf string, extra ...string) (string, error) {
	args := []string{"verify", "-CAfile", caFile}
	if untrusted != "" {
		args = append(args, "-untrusted", untrusted)
	}
	args = append(append(args, extra...), leaf)
	return run(dir, "openssl", args...)
}

func writeAttr(s *terraform.State, dir, file, addr, attr string) error {
	return dumpStateAttrs(s, dir, map[string][2]string{file: {addr, attr}})
}

// opensslMutualTLS runs one real handshake: openssl s_server serving
// server.pem/server.key and requiring a client certificate that chains to
// serverCA, openssl s_client presenting client.pem/client.key and verifying
// billing.svc.internal against clientCA. Files are <name>.pem and <name>.key in dir.
func opensslMutualTLSTrust(dir, server, serverCA, client, clientCA string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	srv := exec.Command("openssl", "s_server", "-accept", fmt.Sprint(port), "-naccept", "1", "-cert", server+".pem", "-key", server+".key",
		"-CAfile", serverCA, "-Verify", "2", "-verify_return_error", "-www")
	srv.Dir = dir
	srvOut := &syncBuffer{}
	srv.Stdout, srv.Stderr = srvOut, srvOut
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	if err := waitFor(srvOut, "ACCEPT"); err != nil {
		return fmt.Errorf("%v: %s", err, srvOut.String())
	}
	cl := exec.Command("openssl", "s_client", "-connect", fmt.Sprintf("127.0.0.1:%d", port), "-cert", client+".pem", "-key", client+".key",
		"-CAfile", clientCA, "-verify_return_error", "-verify_hostname", "billing.svc.internal")
	cl.Dir = dir
	cl.Stdin = strings.NewReader("GET / HTTP/1.0\r\n\r\n")
	out, err := cl.CombinedOutput()
	// Under TLS 1.3 the client may finish before the server has judged its
	// certificate, or see the server's alert first: the server's log
	// decides, whichever line comes first.
	deadline := time.Now().Add(15 * time.Second)
	if err != nil || !strings.Contains(string(out), "Verify return code: 0 (ok)") {
		deadline = time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) && !strings.Contains(srvOut.String(), "verify error") {
			time.Sleep(20 * time.Millisecond)
		}
		if strings.Contains(srvOut.String(), "verify error") {
			return fmt.Errorf("server %s refused client %s: %s", server, client, srvOut.String())
		}
		return fmt.Errorf("s_client %s -> %s: %v\n%s\nserver: %s", client, server, err, out, srvOut.String())
	}
	for time.Now().Before(deadline) {
		log := srvOut.String()
		switch {
		case strings.Contains(log, "verify error"), strings.Contains(log, "ERROR"):
			return fmt.Errorf("server %s refused client %s: %s", server, client, log)
		case strings.Contains(log, "verify return:1"):
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("server %s never judged client %s: %s", server, client, srvOut.String())
}

// noCredentialsInState: no attribute of any resource holds a credential.
func noCredentialsInState(needles ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				for _, n := range needles {
					if n != "" && strings.Contains(v, n) {
						return fmt.Errorf("%s.%s holds a Vault credential", addr, k)
					}
				}
			}
		}
		return nil
	}
}

// TestAccVaultIssuer runs the Vault backend against a real `vault server
// -dev` with a scoped token and with AppRole: a certificate moves from the
// local CA to Vault by editing only its issuer, both leaves verify with
// openssl against Vault's root and the rotation bundle keeps the old one
// trusted; the role's restrictions fail the plan naming the setting; and
// the diagnostics for a wrong token, unknown role and mount, a sealed and a
// stopped Vault.
func TestAccVaultIssuer(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	srv := vaulttest.Start(t, vaulttest.Options{})
	t.Setenv(vault.TokenEnv, srv.Token)
	t.Setenv(vault.RoleIDEnv, srv.RoleID)
	t.Setenv(vault.SecretIDEnv, srv.SecretID)
	dir := t.TempDir()
	secrets := []string{srv.Token, srv.RootToken, srv.RoleID, srv.SecretID}
	viaVault := vaultConfig(srv, "data.crank_vault_issuer.pki.issuer", vaultAppRoleCert)
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	bareKey, _ := pki.EncodePublicKeyPEM(key.Public())
	csrDER, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "csr.svc.internal"}, DNSNames: []string{"other.svc.internal"}}, key)
	otherCSR := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDER}))
	bad := func(cert string) string {
		return viaVault + strings.NewReplacer("${PUBKEY}", bareKey, "${CSR}", otherCSR).Replace(cert)
	}
	var firstSerial string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: vaultConfig(srv, "crank_ca.local.issuer", ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					verifyAgainst(dir, "crank_ca.local", "cert_pem"),
					func(s *terraform.State) (err error) {
						if err = writeAttr(s, dir, "local-leaf.pem", "crank_certificate.billing", "cert_pem"); err != nil {
							return err
						}
						if err = writeStateFiles(s, "crank_certificate.billing", "local-billing", writeIn(dir)); err != nil {
							return err
						}
						if err = writeAttr(s, dir, "local-root.pem", "crank_ca.local", "cert_pem"); err != nil {
							return err
						}
						firstSerial, err = stateAttr(s, "crank_certificate.billing", "serial")
						return err
					},
				),
			},
			{
				Config: viaVault,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_certificate.billing", plancheck.ResourceActionReplace),
					noSecretsInPlan{needles: secrets},
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					verifyAgainst(dir, "data.crank_vault_issuer.pki", "root_pem"),
					resource.TestCheckResourceAttrPair("crank_certificate.billing", "ca_bundle_pem", "data.crank_vault_issuer.pki", "root_pem"),
					resource.TestCheckResourceAttr("crank_certificate.billing", "spiffe_id", "spiffe://example.org/billing"),
					resource.TestCheckResourceAttr("data.crank_vault_issuer.pki", "issuers.#", "1"),
					noCredentialsInState(secrets...),
					func(s *terraform.State) error {
						if serial, _ := stateAttr(s, "crank_certificate.billing", "serial"); serial == firstSerial {
							return fmt.Errorf("the certificate was not re-issued")
						}
						if err := dumpStateAttrs(s, dir, map[string][2]string{
							"vault-root.pem": {"data.crank_vault_issuer.pki", "root_pem"},
							"batch.pem":      {"crank_certificate.batch", "cert_pem"},
							"overlap.pem":    {"data.crank_trust_bundle.overlap", "bundle_pem"},
							"vault-leaf.pem": {"crank_certificate.billing", "cert_pem"},
						}); err != nil {
							return err
						}
						// AppRole's leaf against the mount's CA; both sides of
						// the switch against the overlap bundle.
						for _, leaf := range [][2]string{{"vault-root.pem", "batch.pem"}, {"overlap.pem", "local-leaf.pem"}, {"overlap.pem", "vault-leaf.pem"}} {
							if out, err := opensslVerify(dir, leaf[0], "", leaf[1]); err != nil || !strings.Contains(out, ": OK") {
								return fmt.Errorf("openssl verify -CAfile %s %s: %v %s", leaf[0], leaf[1], err, out)
							}
						}
						// Handshakes across the switch: with the overlap bundle a
						// service still on its local certificate and one already
						// on Vault's accept each other in both roles; trusting
						// the local root alone, Vault's certificate is refused.
						for _, name := range []string{"vault-billing", "batch"} {
							if err := writeStateFiles(s, "crank_certificate."+strings.TrimPrefix(name, "vault-"), name, writeIn(dir)); err != nil {
								return err
							}
						}
						if err := opensslMutualTLSTrust(dir, "local-billing", "overlap.pem", "batch", "overlap.pem"); err != nil {
							return err
						}
						if err := opensslMutualTLSTrust(dir, "vault-billing", "overlap.pem", "local-billing", "overlap.pem"); err != nil {
							return err
						}
						if err := opensslMutualTLSTrust(dir, "local-billing", "local-root.pem", "batch", "overlap.pem"); err == nil || !strings.Contains(err.Error(), "refused client batch") {
							return fmt.Errorf("a server trusting only the local root did not refuse Vault's client certificate: %v", err)
						}
						return nil
					},
				),
			},
			{
				Config: bad(`resource "crank_certificate" "evil" {
  issuer = data.crank_vault_issuer.pki.issuer
  service = "evil"
  dns_names = ["evil.example.com"]
  validity = "24h"
}`),
				PlanOnly:    true,
				ExpectError: wrapped(`dns_names = "evil.example.com": the Vault role "crank" does not allow this name (allowed_domains = [svc.internal], allow_subdomains = true`),
			},
			{
				Config: bad(`resource "crank_certificate" "long" {
  issuer = data.crank_vault_issuer.pki.issuer
  service = "long"
  validity = "800h"
}`),
				PlanOnly:    true,
				ExpectError: wrapped(`allows at most 30d (max_ttl)`),
			},
			{
				Config: bad(`resource "crank_certificate" "other_td" {
  issuer = data.crank_vault_issuer.pki.issuer
  service = "x"
  trust_domain = "other.org"
  validity = "24h"
}`),
				PlanOnly:    true,
				ExpectError: wrapped(`does not allow this URI SAN (allowed_uri_sans = [spiffe://example.org/*])`),
			},
			{
				Config: bad(`resource "crank_certificate" "server_only" {
  issuer = data.crank_vault_issuer.pki.issuer
  service = "s"
  usages = ["server"]
  validity = "24h"
}`),
				PlanOnly:    true,
				ExpectError: wrapped(`always writes the client usage (client_flag = true)`),
			},
			{
				Config: bad(`resource "crank_certificate" "rsa_small" {
  issuer = data.crank_vault_issuer.pki.issuer
  service = "r"
  key_algorithm = "ECDSA_P256"
  validity = "24h"
}`),
				PreConfig:   func() { srv.SetRole(t, map[string]any{"key_type": "rsa", "key_bits": 3072}) },
				PlanOnly:    true,
				ExpectError: wrapped(`requires keys of type rsa (key_type)`),
			},
			{
				Config: bad(`resource "crank_certificate" "bare_key" {
  issuer = data.crank_vault_issuer.pki.issuer
  service = "k"
  public_key_pem = <<-EOT
${PUBKEY}EOT
  validity = "24h"
}`),
				PreConfig:   func() { srv.SetRole(t, nil) },
				PlanOnly:    true,
				ExpectError: wrapped(`The issuer cannot sign this key as supplied`),
			},
			{
				// The role takes the SANs from the CSR: one naming others fails the plan.
				Config: bad(`resource "crank_certificate" "other_csr" {
  issuer = data.crank_vault_issuer.pki.issuer
  service = "csr"
  dns_names = ["csr.svc.internal"]
  csr_pem = <<-EOT
${CSR}EOT
  validity = "24h"
}`),
				PlanOnly:    true,
				ExpectError: wrapped(`takes the SANs from the CSR (use_csr_sans = true)`),
			},
			{
				// A templated allowed_domains depends on the caller's identity,
				// which only Vault knows: the plan lets it through, Vault
				// refuses at apply in its own words, and nothing reaches state.
				PreConfig: func() {
					srv.SetRole(t, map[string]any{"allowed_domains": "{{identity.entity.name}}.svc.internal", "allowed_domains_template": true, "allow_bare_domains": true})
				},
				Config:      viaVault + templatedCert,
				ExpectError: wrapped(`/sign/crank, HTTP 400): common name templated.svc.internal not allowed by this role`),
			},
			{
				PreConfig: func() { srv.SetRole(t, nil) },
				Config:    viaVault + templatedCert,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_certificate.templated", plancheck.ResourceActionCreate),
				}},
			},
			{
				Config:      strings.Replace(viaVault, `role        = "crank"`, `role        = "nope"`, 1),
				PlanOnly:    true,
				ExpectError: wrapped(`"nope" on mount "pki" (it has: crank)`),
			},
			{
				Config:      strings.Replace(viaVault, `mount       = "pki"`, `mount       = "nope"`, 1),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Vault refused the credentials|Vault PKI mount not found`),
			},
			{
				PreConfig:   func() { os.Setenv(vault.TokenEnv, "hvs.not-a-token") },
				Config:      viaVault,
				PlanOnly:    true,
				ExpectError: wrapped(`Vault refused the credentials (HTTP 403 permission denied)`),
			},
			{
				PreConfig: func() {
					os.Setenv(vault.TokenEnv, srv.Token)
					srv.Seal(t)
				},
				Config:      viaVault,
				PlanOnly:    true,
				ExpectError: wrapped(`Unseal it (vault operator unseal) and plan again`),
			},
			{
				PreConfig:   func() { srv.Stop() },
				Config:      viaVault,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Vault unreachable`),
			},
		},
	})
}

// cliMinor is the minor version of the 1.x CLI the acceptance tests run.
func cliMinor(t *testing.T) int {
	t.Helper()
	out, err := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "version").CombinedOutput()
	if err != nil {
		t.Fatalf("CLI version: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`v1\.(\d+)\.`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("cannot read the CLI version from %q", out)
	}
	minor, _ := strconv.Atoi(m[1])
	return minor
}

// TestAccVaultNoKeyMaterial: a token and AppRole credentials come through
// the provider's vault block from ephemeral variables (on Terraform 1.5.7,
// which has none, from the environment) and the keys through csr_pem (made
// by openssl), so neither state nor the plan JSON holds a private key, the
// role ID, the secret ID or a token.
func TestAccVaultNoKeyMaterial(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	srv := vaulttest.Start(t, vaulttest.Options{})
	ephemeral := cliMinor(t) >= 11
	for name, v := range map[string]string{vault.TokenEnv: srv.Token, vault.RoleIDEnv: srv.RoleID, vault.SecretIDEnv: srv.SecretID} {
		if ephemeral {
			v = ""
		}
		t.Setenv(name, v)
	}
	t.Setenv("TF_VAR_vault_role_id", srv.RoleID)
	t.Setenv("TF_VAR_vault_secret_id", srv.SecretID)
	t.Setenv("TF_VAR_vault_token", srv.Token)
	dir := t.TempDir()
	csrs := map[string]string{}
	needles := []string{srv.RoleID, srv.SecretID, srv.Token, srv.RootToken, "PRIVATE KEY"}
	for _, svc := range []string{"ledger", "journal"} {
		if out, err := run(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", svc+".key",
			"-subj", "/CN="+svc+".svc.internal", "-addext", "subjectAltName=DNS:"+svc+".svc.internal,URI:spiffe://example.org/"+svc, "-out", svc+".csr"); err != nil {
			t.Fatalf("openssl req: %v\n%s", err, out)
		}
		keyPEM, _ := os.ReadFile(filepath.Join(dir, svc+".key"))
		csrPEM, _ := os.ReadFile(filepath.Join(dir, svc+".csr"))
		csrs[svc] = string(csrPEM)
		// A line of the key's base64 body: key bytes in any PEM wrapping.
		needles = append(needles, strings.Split(string(keyPEM), "\n")[1])
	}
	credentials := `
variable "vault_role_id" {
  type      = string
  sensitive = true
  ephemeral = true
}
variable "vault_secret_id" {
  type      = string
  sensitive = true
  ephemeral = true
}
variable "vault_token" {
  type      = string
  sensitive = true
  ephemeral = true
}
provider "crank" {
  trust_domain = "example.org"
  vault = {
    token             = var.vault_token
    approle_role_id   = var.vault_role_id
    approle_secret_id = var.vault_secret_id
  }
}
`
	if !ephemeral {
		// Terraform 1.5.7 has no ephemeral variables: the credentials come
		// from the environment, and the rest of the test is the same.
		credentials = "provider \"crank\" {\n  trust_domain = \"example.org\"\n}\n"
	}
	config := credentials + fmt.Sprintf(`
data "crank_vault_issuer" "by_token" {
  address = %[1]q
  mount   = "pki"
  role    = "crank"
}
resource "crank_certificate" "journal" {
  issuer    = data.crank_vault_issuer.by_token.issuer
  service   = "journal"
  dns_names = ["journal.svc.internal"]
  csr_pem   = %[3]q
  validity  = "24h"
}
data "crank_vault_issuer" "pki" {
  address     = %[1]q
  mount       = "pki"
  role        = "crank"
  auth_method = "approle"
}
resource "crank_certificate" "ledger" {
  issuer    = data.crank_vault_issuer.pki.issuer
  service   = "ledger"
  dns_names = ["ledger.svc.internal"]
  csr_pem   = %[2]q
  validity  = "24h"
}
`, srv.Addr, csrs["ledger"], csrs["journal"])
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{{
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{noSecretsInPlan{needles: needles}}},
			Check: resource.ComposeAggregateTestCheckFunc(
				noCredentialsInState(needles...),
				resource.TestCheckNoResourceAttr("crank_certificate.ledger", "private_key_pem"),
				resource.TestCheckNoResourceAttr("crank_certificate.journal", "private_key_pem"),
				func(s *terraform.State) error {
					if err := writeAttr(s, dir, "root.pem", "data.crank_vault_issuer.pki", "root_pem"); err != nil {
						return err
					}
					for _, svc := range []string{"ledger", "journal"} {
						if err := writeAttr(s, dir, svc+".pem", "crank_certificate."+svc, "cert_pem"); err != nil {
							return err
						}
						if out, err := opensslVerify(dir, "root.pem", "", svc+".pem"); err != nil || !strings.Contains(out, ": OK") {
							return fmt.Errorf("openssl verify %s: %v %s", svc, err, out)
						}
						// The certificate is for the openssl key: its public key
						// is the one openssl derives from the key file.
						certPub, err := run(dir, "openssl", "x509", "-in", svc+".pem", "-noout", "-pubkey")
						if err != nil {
							return err
						}
						keyPub, err := run(dir, "openssl", "pkey", "-in", svc+".key", "-pubout")
						if err != nil || certPub != keyPub {
							return fmt.Errorf("%s: the certificate is not for the CSR's key (%v)", svc, err)
						}
					}
					return nil
				},
			),
		}},
	})
}
