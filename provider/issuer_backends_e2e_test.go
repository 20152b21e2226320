package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/crank-platform/terraform-provider-crank/examples/worker/workertest"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/pkcs11"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/pkcs11/softhsmtest"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca/stepcatest"
)

// backendServices is what every backend issues in the end-to-end test: the
// billing worker's server identity, its caller's, and billing's signed
// capability bundle, which examples/worker needs to start.
func backendServices(issuerRef, signingKey string) string {
	return fmt.Sprintf(`
resource "crank_certificate" "billing" {
  issuer       = %[1]s
  service      = "billing"
  ip_addresses = ["127.0.0.1"]
  validity     = "72h"
  lifecycle {
    create_before_destroy = true
  }
}
resource "crank_certificate" "api_gateway" {
  issuer   = %[1]s
  service  = "api-gateway"
  validity = "72h"
  lifecycle {
    create_before_destroy = true
  }
}
resource "crank_capability" "read" {
  service     = "billing"
  name        = "invoice.read"
  http_method = "GET"
  http_path   = "/v1/invoices/{id}"
}
resource "crank_cap_rule" "gateway_read" {
  id           = "gateway-read"
  service      = "billing"
  action       = "allow"
  callers      = [{ service = "api-gateway" }]
  capabilities = ["invoice.read"]
}
resource "crank_cap_policy" "billing" {
  service          = "billing"
  capabilities     = [crank_capability.read.capability]
  rules            = [crank_cap_rule.gateway_read.rule]
  known_services   = ["billing", "api-gateway"]
  signing_key_file = %[2]q
}
`, issuerRef, signingKey)
}

const backendProvider = `
provider "crank" {
  trust_domain = "example.org"
}
`

// backendE2E is one issuer backend of the end-to-end test.
type backendE2E struct {
	name      string
	prelude   string // HCL of the issuer
	issuerRef string
	// root returns the PEM of the backend's own root, which openssl and the
	// worker trust and nothing else.
	root func(s *terraform.State) (string, error)
	// pre are steps before the issuer is usable (an offline signature).
	pre []resource.TestStep
}

func rootFromState(addr, attr string) func(*terraform.State) (string, error) {
	return func(s *terraform.State) (string, error) { return stateAttr(s, addr, attr) }
}

// handshakeWith verifies both service certificates with openssl against
// the backend's root alone, then runs examples/worker on billing's and
// calls it with the real curl presenting api-gateway's: mutual TLS both
// ways, and the caller's SPIFFE ID decided by the signed bundle.
func handshakeWith(t *testing.T, dir string, root func(*terraform.State) (string, error)) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rootPEM, err := root(s)
		if err != nil {
			return err
		}
		write := func(name, content string) error {
			return os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600)
		}
		if err := write("root.pem", rootPEM); err != nil {
			return err
		}
		for _, name := range []string{"billing", "api-gateway"} {
			addr := "crank_certificate." + strings.ReplaceAll(name, "-", "_")
			if err := writeStateFiles(s, addr, name, write); err != nil {
				return err
			}
			out, err := run(dir, "openssl", "verify", "-CAfile", "root.pem", "-untrusted", name+".pem", name+".pem")
			if err != nil || !strings.Contains(out, name+".pem: OK") {
				return fmt.Errorf("openssl verify %s against the backend's root: %v\n%s", name, err, out)
			}
		}
		bundle, err := stateAttr(s, "crank_cap_policy.billing", "signed_bundle_json")
		if err != nil {
			return err
		}
		policyKey, err := stateAttr(s, "crank_cap_policy.billing", "signing_public_key")
		if err != nil {
			return err
		}
		if err := write("bundle.json", bundle); err != nil {
			return err
		}
		if err := write("policy-keys.pem", policyKey); err != nil {
			return err
		}
		w := workertest.Start(t, "-listen", "127.0.0.1:0",
			"-cert", filepath.Join(dir, "billing.pem"), "-key", filepath.Join(dir, "billing.key"),
			"-ca", filepath.Join(dir, "root.pem"), "-bundle", filepath.Join(dir, "bundle.json"),
			"-policy-keys", filepath.Join(dir, "policy-keys.pem"), "-reload-interval", "1h")
		r := workertest.Curl(t, dir, filepath.Join(dir, "root.pem"), "api-gateway", "GET", "https://"+w.Addr+"/v1/invoices/42")
		if r.ExitCode != 0 || r.Status != "200" || !strings.Contains(string(r.Body), "spiffe://example.org/api-gateway") {
			return fmt.Errorf("mTLS call to the worker: curl exit %d, HTTP %s, body %s, stderr %s", r.ExitCode, r.Status, r.Body, r.Stderr)
		}
		return nil
	}
}

// TestAccIssuerBackendsRenewHandshake issues through each backend (the
// local CA, a real step-ca, an intermediate whose CSR an openssl offline
// root signed, a CA key on a SoftHSM2 token), runs the examples/worker mTLS
// handshake on the certificates, then moves the provider clock into the
// renewal window: the plan replaces both certificates, and the new ones
// verify against the same root and handshake again.
//
// The clock starts 50 hours behind the real one, so certificates issued at
// it are valid now for openssl and TLS, and moving it 49 hours forward
// reaches the renewal window (the last 24 of 72 hours) while the renewed
// certificates are still valid now too.
func TestAccIssuerBackendsRenewHandshake(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	workertest.RequireTool(t, "curl")
	const behind = 50 * time.Hour

	cases := []func(t *testing.T, dir string) backendE2E{
		func(t *testing.T, dir string) backendE2E {
			return backendE2E{name: "local", issuerRef: "crank_ca.root.issuer", root: rootFromState("crank_ca.root", "cert_pem"),
				prelude: backendProvider + `
resource "crank_ca" "root" {
  subject = { common_name = "Local Root" }
}`}
		},
		func(t *testing.T, dir string) backendE2E {
			srv := stepcatest.Start(t, stepCAPassword)
			t.Setenv(stepca.PasswordEnv, stepCAPassword)
			return backendE2E{name: "stepca", issuerRef: "data.crank_stepca_issuer.ca.issuer", root: rootFromState("data.crank_stepca_issuer.ca", "root_pem"),
				prelude: backendProvider + fmt.Sprintf(`
data "crank_stepca_issuer" "ca" {
  url              = %q
  root_fingerprint = %q
  provisioner_name = %q
}`, srv.URL, srv.RootFingerprint, stepcatest.Provisioner)}
		},
		func(t *testing.T, dir string) backendE2E {
			offlineRootCA(t, dir, behind+22*time.Hour)
			pending := externalCAConfig(`key_storage = "state"`, "")
			return backendE2E{name: "csr-intermediate", issuerRef: "crank_ca.services.issuer",
				root: func(*terraform.State) (string, error) {
					b, err := os.ReadFile(filepath.Join(dir, "root.pem"))
					return string(b), err
				},
				prelude: externalCAConfig(`key_storage = "state"`, signedInputs(dir, "services.pem", "root.pem")),
				pre:     []resource.TestStep{{Config: pending, Check: signCSRWithOpensslCA(dir, behind+22*time.Hour)}}}
		},
		func(t *testing.T, dir string) backendE2E {
			if !pkcs11.Built {
				t.Fatal("the provider tests must be built with cgo so PKCS#11 is tested")
			}
			module, token, pin := softhsmtest.Token(t)
			t.Setenv(pkcs11.PINEnv, pin)
			return backendE2E{name: "pkcs11", issuerRef: "crank_ca.root.issuer", root: rootFromState("crank_ca.root", "cert_pem"),
				prelude: backendProvider + fmt.Sprintf(`
resource "crank_ca" "root" {
  subject     = { common_name = "HSM Root" }
  key_storage = "pkcs11"
  pkcs11      = { module = %q, token_label = %q, key_label = "e2e-root" }
}`, module, token)}
		},
	}
	names := []string{"local", "stepca", "csr-intermediate", "pkcs11"}
	for i, mk := range cases {
		t.Run(names[i], func(t *testing.T) {
			dir := t.TempDir()
			b := mk(t, dir)
			clock := &testClock{now: time.Now().Add(-behind)}
			cfg := b.prelude + backendServices(b.issuerRef, writePolicySigningKey(t, dir))
			var billing, gateway string
			steps := append(b.pre,
				resource.TestStep{
					Config: cfg,
					Check: resource.ComposeAggregateTestCheckFunc(
						captureAttr("crank_certificate.billing", "serial", &billing),
						captureAttr("crank_certificate.api_gateway", "serial", &gateway),
						handshakeWith(t, dir, b.root),
					),
				},
				resource.TestStep{
					PreConfig: func() { clock.Advance(behind - time.Hour) },
					Config:    cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("crank_certificate.billing", plancheck.ResourceActionCreateBeforeDestroy),
						plancheck.ExpectResourceAction("crank_certificate.api_gateway", plancheck.ResourceActionCreateBeforeDestroy),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						attrChanged("crank_certificate.billing", "serial", &billing),
						attrChanged("crank_certificate.api_gateway", "serial", &gateway),
						checkNotAfterFrom(clock, "crank_certificate.billing", 72*time.Hour),
						handshakeWith(t, dir, b.root),
					),
				},
			)
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories(clock.Now), Steps: steps})
		})
	}
}

// openssl ca's configuration for the offline root: it copies the CA
// extensions crank put in the CSR, as an operator signing an intermediate
// request does, and keeps its database in the directory.
const opensslCAConfig = `[ca]
default_ca = offline
[offline]
dir             = .
database        = index.txt
new_certs_dir   = .
serial          = serial
default_md      = sha256
policy          = any
copy_extensions = copyall
unique_subject  = no
x509_extensions = signed
[any]
commonName = supplied
[signed]
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
[root]
basicConstraints       = critical,CA:TRUE
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
`

func opensslTime(t time.Time) string { return t.UTC().Format("20060102150405Z") }

// offlineRootCA makes the offline root with openssl ca (self-signed),
// valid from back before now, so a provider clock that far behind is
// inside its validity.
func offlineRootCA(t *testing.T, dir string, back time.Duration) {
	t.Helper()
	for name, content := range map[string]string{"ca.cnf": opensslCAConfig, "index.txt": "", "serial": "1000\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root.key", "-out", "root.csr", "-subj", "/CN=Offline Root"},
		{"ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", "root.key", "-in", "root.csr", "-out", "root.pem", "-notext", "-extensions", "root",
			"-startdate", opensslTime(time.Now().Add(-back)), "-enddate", opensslTime(time.Now().Add(30 * 24 * time.Hour))},
	} {
		if out, err := run(dir, "openssl", args...); err != nil {
			t.Fatal(out, err)
		}
	}
}

// signCSRWithOpensslCA signs crank_ca.services' csr_pem with openssl ca as
// the offline root, backdated like the root.
func signCSRWithOpensslCA(dir string, back time.Duration) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		csr, err := stateAttr(s, "crank_ca.services", "csr_pem")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "services.csr"), []byte(csr), 0o600); err != nil {
			return err
		}
		_, err = run(dir, "openssl", "ca", "-batch", "-config", "ca.cnf", "-cert", "root.pem", "-keyfile", "root.key", "-in", "services.csr", "-out", "services.pem", "-notext",
			"-startdate", opensslTime(time.Now().Add(-back)), "-enddate", opensslTime(time.Now().Add(20*24*time.Hour)))
		return err
	}
}
