package provider

import (
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/crank-platform/terraform-provider-crank/examples/worker/workertest"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/acme"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/acme/acmetest"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

const acmePassphrase = "acme-account-key-passphrase"

// acmeIssuerConfig is a crank_acme_issuer with the given attributes, and
// resources after it.
func acmeIssuerConfig(directory, caBundle, keyFile, chain, solver, extra, resources string) string {
	return fmt.Sprintf(`
provider "crank" {
  trust_domain = "example.org"
}
data "crank_acme_issuer" "ca" {
  directory_url     = %q
  ca_bundle_pem     = %q
  account_key_file  = %q
  issuer_chain_pem  = %q
  %s
  %s
}
%s
`, directory, caBundle, keyFile, chain, solver, extra, resources)
}

// acmeCertificate is a keyless certificate: the key stays with openssl, the
// CSR is what goes to the CA.
func acmeCertificate(name, service, dnsName, csrPath, extra string) string {
	return fmt.Sprintf(`
resource "crank_certificate" %q {
  issuer            = data.crank_acme_issuer.ca.issuer
  service           = %q
  include_spiffe_id = false
  dns_names         = [%q]
  csr_pem           = file(%q)
  usages            = ["server"]
  validity          = "72h"
  %s
}
`, name, service, dnsName, csrPath, extra)
}

// opensslCSR makes a key and a CSR for dnsName with openssl, as a service
// that keeps its own key would.
func opensslCSR(t *testing.T, dir, name, dnsName string) string {
	t.Helper()
	csr := filepath.Join(dir, name+".csr")
	if _, err := run(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name+".key",
		"-subj", "/CN="+dnsName, "-addext", "subjectAltName=DNS:"+dnsName, "-out", csr); err != nil {
		t.Fatal(err)
	}
	return csr
}

func acmeSerialOf(s *terraform.State, addr string) (*big.Int, string, error) {
	p, err := stateAttr(s, addr, "cert_pem")
	if err != nil {
		return nil, "", err
	}
	c, err := pki.ParseCertPEM(p)
	if err != nil {
		return nil, "", err
	}
	return c.SerialNumber, p, nil
}

// noKeyMaterial: no attribute of anything in state holds a private key,
// the account key passphrase or the EAB secret.
func noKeyMaterial(needles ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				for _, n := range append([]string{"PRIVATE KEY"}, needles...) {
					if strings.Contains(v, n) {
						return fmt.Errorf("%s.%s holds %q", addr, k, n)
					}
				}
			}
		}
		return nil
	}
}

// TestAccACMEIssuerPebble issues a keyless service certificate through a
// real Pebble over http-01, verifies it with openssl against Pebble's own
// root, renews it when Pebble's renewal information (ARI) asks before the
// local window, revokes on replacement and destroy (checked in Pebble's
// management API), and checks the diagnostics of a URI SAN, a refused name,
// a solver address in use, a wrong CA bundle and a stopped server.
func TestAccACMEIssuerPebble(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	srv := acmetest.Start(t, acmetest.Options{})
	t.Setenv(acme.PassphraseEnv, acmePassphrase)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "account.key")
	solver := fmt.Sprintf("http01_listen = %q", fmt.Sprintf("127.0.0.1:%d", srv.HTTPPort))
	csr := opensslCSR(t, dir, "billing", "billing.example.test")
	cfg := func(resources string) string {
		return acmeIssuerConfig(srv.Directory, srv.CABundlePEM, keyFile, srv.IssuerChainPEM, solver, "revoke_on_destroy = true", resources)
	}
	base := acmeCertificate("billing", "billing", "billing.example.test", csr, "")
	var first, second *big.Int
	var firstPEM string
	var busy net.Listener
	revoked := func(serial **big.Int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if st, reason := srv.CertStatus(t, *serial); st != "Revoked" || reason != 5 {
				return fmt.Errorf("certificate %x: Pebble says %q (reason %d), want Revoked (5)", *serial, st, reason)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg(base),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					noSecretsInPlan{needles: []string{"PRIVATE KEY", acmePassphrase}},
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					verifyAgainst(dir, "data.crank_acme_issuer.ca", "root_pem"),
					resource.TestCheckResourceAttrPair("crank_certificate.billing", "ca_bundle_pem", "data.crank_acme_issuer.ca", "root_pem"),
					resource.TestCheckResourceAttr("data.crank_acme_issuer.ca", "renewal_info", "true"),
					resource.TestCheckNoResourceAttr("crank_certificate.billing", "private_key_pem"),
					noKeyMaterial(acmePassphrase),
					func(s *terraform.State) (err error) {
						first, firstPEM, err = acmeSerialOf(s, "crank_certificate.billing")
						if err == nil && !strings.Contains(mustRead(keyFile), "ENCRYPTED PRIVATE KEY") {
							err = fmt.Errorf("the account key file is not encrypted")
						}
						return err
					},
				),
			},
			{
				Config:      cfg(base + strings.Replace(acmeCertificate("spiffe", "spiffe", "spiffe.example.test", csr, ""), "include_spiffe_id = false", "", 1)),
				ExpectError: regexp.MustCompile(`Issuer backend cannot honour uri_sans`),
			},
			{
				Config:      cfg(base + strings.Replace(acmeCertificate("blocked", "blocked", acmetest.BlockedDomain, csr, ""), "csr_pem", "# csr_pem", 1)),
				ExpectError: regexp.MustCompile(`rejectedIdentifier`),
			},
			{
				PreConfig: func() {
					var err error
					if busy, err = net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", srv.HTTPPort)); err != nil {
						t.Fatal(err)
					}
				},
				Config:      cfg(base + strings.Replace(acmeCertificate("busy", "busy", "busy.example.test", csr, ""), "csr_pem", "# csr_pem", 1)),
				ExpectError: regexp.MustCompile(`cannot listen on[\s\S]*address already in use[\s\S]*Another process\s+listens\s+there`),
			},
			{
				// Pebble's ARI asks for renewal now; renew_before (a third
				// of 72h) would wait two days. The old certificate is revoked.
				PreConfig: func() {
					busy.Close()
					srv.SetRenewalInfo(t, firstPEM, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
				},
				Config: cfg(base),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_certificate.billing", plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					verifyAgainst(dir, "data.crank_acme_issuer.ca", "root_pem"),
					revoked(&first),
					func(s *terraform.State) (err error) {
						if second, _, err = acmeSerialOf(s, "crank_certificate.billing"); err == nil && second.Cmp(first) == 0 {
							err = fmt.Errorf("the certificate was not renewed")
						}
						return err
					},
				),
			},
			{
				Config: cfg(""),
				Check:  revoked(&second),
			},
			{
				Config:      acmeIssuerConfig(srv.Directory, srv.RootPEM, keyFile, srv.IssuerChainPEM, solver, "", ""),
				ExpectError: regexp.MustCompile(`ACME directory not trusted[\s\S]*ca_bundle_pem`),
			},
			{
				PreConfig:   srv.Stop,
				Config:      cfg(""),
				ExpectError: regexp.MustCompile(`ACME directory unreachable`),
			},
		},
	})
}

func mustRead(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}

// TestAccACMERenewalClock renews through Pebble by the local window: the
// provider clock moves past not_after - renew_before, the plan replaces
// the certificate (the provider generates the key this time), and the new
// one, valid from the moved clock, verifies with openssl at that time
// against Pebble's root.
func TestAccACMERenewalClock(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	srv := acmetest.Start(t, acmetest.Options{})
	t.Setenv(acme.PassphraseEnv, acmePassphrase)
	dir := t.TempDir()
	clock := newTestClock()
	config := acmeIssuerConfig(srv.Directory, srv.CABundlePEM, filepath.Join(dir, "account.key"), srv.IssuerChainPEM,
		fmt.Sprintf("http01_listen = %q", fmt.Sprintf("127.0.0.1:%d", srv.HTTPPort)), "", `
resource "crank_certificate" "billing" {
  issuer            = data.crank_acme_issuer.ca.issuer
  service           = "billing"
  include_spiffe_id = false
  dns_names         = ["billing.example.test"]
  usages            = ["server"]
  validity          = "72h"
  lifecycle { create_before_destroy = true }
}`)
	verifyAt := func(s *terraform.State) error {
		if err := dumpStateAttrs(s, dir, map[string][2]string{"root.pem": {"data.crank_acme_issuer.ca", "root_pem"}, "chain.pem": {"crank_certificate.billing", "chain_pem"}, "leaf.pem": {"crank_certificate.billing", "cert_pem"}}); err != nil {
			return err
		}
		at := fmt.Sprint(clock.Now().Add(time.Minute).Unix())
		out, err := run(dir, "openssl", "verify", "-attime", at, "-CAfile", "root.pem", "-untrusted", "chain.pem", "-purpose", "sslserver", "leaf.pem")
		if err == nil && !strings.Contains(out, "leaf.pem: OK") {
			err = fmt.Errorf("openssl verify: %s", out)
		}
		return err
	}
	var serial string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(clock.Now),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					verifyAt,
					resource.TestCheckResourceAttr("crank_certificate.billing", "renew_before", "1d"),
					captureAttr("crank_certificate.billing", "serial", &serial),
				),
			},
			{
				// Hour 49: past not_after - renew_before (hour 48).
				PreConfig: func() { clock.Advance(49 * time.Hour) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_certificate.billing", plancheck.ResourceActionCreateBeforeDestroy),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					attrChanged("crank_certificate.billing", "serial", &serial),
					checkNotAfterFrom(clock, "crank_certificate.billing", 72*time.Hour),
					verifyAt,
				),
			},
		},
	})
}

// TestAccACMEIssuerEAB: a Pebble that requires External Account Binding
// refuses the account without it (the plan names the variables to set) and
// with a wrong HMAC key, and takes it from the environment, which never
// reaches state.
func TestAccACMEIssuerEAB(t *testing.T) {
	requireAcc(t)
	srv := acmetest.Start(t, acmetest.Options{RequireEAB: true})
	t.Setenv(acme.PassphraseEnv, acmePassphrase)
	// Restored when the test ends; the steps below set them.
	t.Setenv(acme.EABKeyIDEnv, "")
	t.Setenv(acme.EABHMACEnv, "")
	dir := t.TempDir()
	config := acmeIssuerConfig(srv.Directory, srv.CABundlePEM, filepath.Join(dir, "account.key"), srv.IssuerChainPEM,
		fmt.Sprintf("http01_listen = %q", fmt.Sprintf("127.0.0.1:%d", srv.HTTPPort)), "", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: regexp.MustCompile(`ACME External Account Binding required[\s\S]*` + acme.EABKeyIDEnv),
			},
			{
				PreConfig: func() {
					os.Setenv(acme.EABKeyIDEnv, acmetest.EAB.KeyID)
					os.Setenv(acme.EABHMACEnv, strings.Repeat("A", 64))
				},
				Config:      config,
				ExpectError: regexp.MustCompile(`ACME CA refused the account[\s\S]*urn:ietf:params:acme:error:`),
			},
			{
				PreConfig: func() { os.Setenv(acme.EABHMACEnv, acmetest.EAB.HMAC) },
				Config:    config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrSet("data.crank_acme_issuer.ca", "account_url"),
					noKeyMaterial(acmePassphrase, acmetest.EAB.HMAC),
				),
			},
			{
				// The account exists: plans no longer need the EAB secret.
				PreConfig: func() {
					os.Setenv(acme.EABKeyIDEnv, "")
					os.Setenv(acme.EABHMACEnv, "")
				},
				Config: config,
				Check:  resource.TestCheckResourceAttrSet("data.crank_acme_issuer.ca", "account_url"),
			},
		},
	})
}

// TestAccACMEIssuerDNS01 proves names with the documented dns-01 hook: a
// shell script that sets and clears TXT records in Pebble's DNS stub with
// curl, as a hook calls a DNS provider's API. Setting both solvers is a
// plan error.
func TestAccACMEIssuerDNS01(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	workertest.RequireTool(t, "curl")
	srv := acmetest.Start(t, acmetest.Options{})
	t.Setenv(acme.PassphraseEnv, acmePassphrase)
	dir := t.TempDir()
	hook := fmt.Sprintf("dns01_hook = [\"/bin/sh\", %q]", srv.DNSHook(t))
	cert := strings.Replace(acmeCertificate("billing", "billing", "billing.example.test", "", ""), "csr_pem           = file(\"\")", "", 1)
	config := func(solver string) string {
		return acmeIssuerConfig(srv.Directory, srv.CABundlePEM, filepath.Join(dir, "account.key"), srv.IssuerChainPEM, solver, "", cert)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(hook + "\n  http01_listen = \"127.0.0.1:1\""),
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
			{
				Config: config(hook),
				Check: resource.ComposeAggregateTestCheckFunc(
					verifyAgainst(dir, "data.crank_acme_issuer.ca", "root_pem"),
					resource.TestCheckResourceAttr("crank_certificate.billing", "dns_names.0", "billing.example.test"),
				),
			},
		},
	})
}
