package provider

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/crank-platform/terraform-provider-crank/examples/worker/workertest"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/acme"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/acme/acmetest"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca/stepcatest"
)

// renewStatus asks step-ca to renew the certificate over mTLS with its own
// key (curl, POST /1.0/renew): step-ca refuses a revoked certificate, so
// this is the server's own word on revocation.
func renewStatus(dir, caURL string) (string, error) {
	return run(dir, "curl", "-s", "-o", "renew.out", "-w", "%{http_code}", "--cacert", "root.pem", "--cert", "leaf.pem", "--key", "billing.key", "-X", "POST", caURL+"/1.0/renew")
}

// TestAccACMEIssuerStepCA issues a keyless certificate for an IP address
// through step-ca's ACME provisioner (http-01 on a loopback port), verifies
// it with openssl against step-ca's root, and revokes it on destroy; step-ca
// then refuses to renew it.
func TestAccACMEIssuerStepCA(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	workertest.RequireTool(t, "curl")
	port := acmetest.FreePort(t)
	srv := stepcatest.StartACME(t, stepCAPassword, port)
	t.Setenv(acme.PassphraseEnv, acmePassphrase)
	dir := t.TempDir()
	for _, name := range []string{"billing", "gateway"} {
		if _, err := run(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name+".key",
			"-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-out", name+".csr"); err != nil {
			t.Fatal(err)
		}
	}
	cfg := func(resources string) string {
		return acmeIssuerConfig(srv.ACMEDirectory, srv.RootPEM, filepath.Join(dir, "account.key"), srv.IntermediatePEM+srv.RootPEM,
			fmt.Sprintf("http01_listen = %q", fmt.Sprintf("127.0.0.1:%d", port)), `usages = ["server", "client"]
  revoke_on_destroy = true`, resources)
	}
	var cert string
	for _, name := range []string{"billing", "gateway"} {
		cert += fmt.Sprintf(`
resource "crank_certificate" %q {
  issuer            = data.crank_acme_issuer.ca.issuer
  service           = %q
  include_spiffe_id = false
  ip_addresses      = ["127.0.0.1"]
  csr_pem           = file(%q)
  validity          = "72h"
}
`, name, name, filepath.Join(dir, name+".csr"))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg(cert),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					noSecretsInPlan{needles: []string{"PRIVATE KEY", acmePassphrase}},
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					verifyAgainst(dir, "data.crank_acme_issuer.ca", "root_pem"),
					resource.TestCheckResourceAttrPair("crank_certificate.billing", "ca_bundle_pem", "data.crank_acme_issuer.ca", "root_pem"),
					noKeyMaterial(acmePassphrase),
					func(s *terraform.State) error { return acmeMutualTLS(s, dir) },
					func(*terraform.State) error {
						code, err := renewStatus(dir, srv.URL)
						if err == nil && code != "201" {
							err = fmt.Errorf("step-ca renew of the valid certificate answered %s: %s", code, mustRead(filepath.Join(dir, "renew.out")))
						}
						return err
					},
				),
			},
			{
				Config: cfg(""),
				Check: func(*terraform.State) error {
					code, err := renewStatus(dir, srv.URL)
					body := mustRead(filepath.Join(dir, "renew.out"))
					// The answer is a generic 401; the log says why.
					if err == nil && (code != "401" || !strings.Contains(srv.Log(), "authorizeRenew: certificate has been revoked")) {
						err = fmt.Errorf("step-ca renew after revoke on destroy answered %s: %s; want 401, and the log to say revoked", code, body)
					}
					return err
				},
			},
		},
	})
}

// acmeMutualTLS runs a real mutual-TLS handshake with the two step-ca ACME
// certificates: openssl s_server as billing requiring a client certificate,
// openssl s_client as gateway, both verifying against step-ca's root. (The
// examples/worker service authorizes callers by SPIFFE ID, which ACME
// certificates cannot carry, so the handshake is shown with openssl.)
func acmeMutualTLS(s *terraform.State, dir string) error {
	if err := dumpStateAttrs(s, dir, map[string][2]string{"gateway.pem": {"crank_certificate.gateway", "cert_pem"}, "inter.pem": {"data.crank_acme_issuer.ca", "chain_pem"}}); err != nil {
		return err
	}
	return opensslMutualTLS(dir, [2]string{"leaf.pem", "billing.key"}, [2]string{"gateway.pem", "gateway.key"},
		[]string{"-verify_ip", "127.0.0.1"}, "depth=0 CN = 127.0.0.1\nverify return:1")
}
