package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/crank-platform/terraform-provider-crank/examples/worker/workertest"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca/stepcatest"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// stepCARevocationConfig: leaked is revoked by a crank_crl entry; billing
// and tracked exist while their flag is set. billing's issuer opted in to
// revocation on destroy; tracked's did not, so only its leaving the CRL's
// tracked_certificates revokes it.
func stepCARevocationConfig(srv *stepcatest.Server, billing, trackedCert bool, crlExtra string) string {
	tracked := "[]"
	if trackedCert {
		tracked = "[crank_certificate.tracked.cert_pem]"
	}
	cfg := fmt.Sprintf(`
provider "crank" {
  trust_domain = "example.org"
}
data "crank_stepca_issuer" "ca" {
  url               = %q
  root_fingerprint  = %q
  provisioner_name  = %q
  revoke_on_destroy = true
}
resource "crank_certificate" "leaked" {
  issuer   = data.crank_stepca_issuer.ca.issuer
  service  = "leaked"
  validity = "72h"
}
resource "crank_crl" "ca" {
  issuer               = data.crank_stepca_issuer.ca.issuer
  revoked              = [{ serial = crank_certificate.leaked.serial, reason = "keyCompromise" %s }]
  tracked_certificates = %s
}
data "crank_stepca_issuer" "plain" {
  url              = %[1]q
  root_fingerprint = %[2]q
  provisioner_name = %[3]q
}
`, srv.URL, srv.RootFingerprint, stepcatest.Provisioner, crlExtra, tracked)
	if billing {
		cfg += `
resource "crank_certificate" "billing" {
  issuer   = data.crank_stepca_issuer.ca.issuer
  service  = "billing"
  validity = "72h"
}
`
	}
	if trackedCert {
		cfg += `
resource "crank_certificate" "tracked" {
  issuer   = data.crank_stepca_issuer.plain.issuer
  service  = "tracked"
  validity = "72h"
}
`
	}
	return cfg
}

// stepCABackend builds the step-ca backend from the handle in state, with
// the provisioner password from the environment, as the provider does.
func stepCABackend(s *terraform.State) (issuer.Backend, error) {
	handle, err := stateAttr(s, "data.crank_stepca_issuer.ca", "issuer")
	if err != nil {
		return nil, err
	}
	_, b, err := issuer.Resolve(context.Background(), handle, os.Getenv)
	return b, err
}

// caCRLLists reads step-ca's CRL from the server itself and checks it lists
// *serial with the RFC 5280 reason code.
func caCRLLists(serial *string, reason int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		b, err := stepCABackend(s)
		if err != nil {
			return err
		}
		crl, err := b.(issuer.CRLPublisher).CRL(context.Background())
		if err != nil {
			return err
		}
		want, err := pki.ParseSerial(*serial)
		if err != nil {
			return err
		}
		for _, e := range crl.RevokedCertificateEntries {
			if e.SerialNumber.Cmp(want) == 0 {
				if e.ReasonCode != reason {
					return fmt.Errorf("step-ca lists %s with reason %d, want %d", *serial, e.ReasonCode, reason)
				}
				// And the server refuses to revoke it again.
				_, err := b.Revoke(context.Background(), &issuer.RevokeRequest{Serial: want, Reason: reason})
				if !errors.Is(err, issuer.ErrAlreadyRevoked) {
					return fmt.Errorf("a second revocation of %s = %v, want 'already revoked'", *serial, err)
				}
				return nil
			}
		}
		return fmt.Errorf("step-ca's CRL number %s does not list %s", crl.Number, *serial)
	}
}

// opensslRevoked checks with openssl that the CRL crank_crl exposes is
// signed by step-ca's intermediate and lists the certificate's serial.
// (openssl verify -crl_check refuses step-ca's CRL as "different CRL
// scope": it carries an issuing distribution point that step-ca's default
// leaf template does not name.)
func opensslRevoked(dir, certAddr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if err := dumpStateAttrs(s, dir, map[string][2]string{
			"chain.pem": {"data.crank_stepca_issuer.ca", "chain_pem"}, "leaf.pem": {certAddr, "cert_pem"}, "crl.pem": {"crank_crl.ca", "crl_pem"},
		}); err != nil {
			return err
		}
		out, err := run(dir, "openssl", "crl", "-in", "crl.pem", "-CAfile", "chain.pem", "-noout", "-text")
		if err != nil || !strings.Contains(out, "verify OK") {
			return fmt.Errorf("openssl crl must verify the CRL against step-ca's intermediate: %v\n%s", err, out)
		}
		serial, err := run(dir, "openssl", "x509", "-in", "leaf.pem", "-noout", "-serial")
		if err != nil {
			return err
		}
		hex := strings.TrimPrefix(strings.TrimSpace(serial), "serial=")
		if !strings.Contains(out, "Serial Number: "+hex) {
			return fmt.Errorf("the CRL does not list %s (serial %s):\n%s", certAddr, hex, out)
		}
		return nil
	}
}

// noKeysInState: no attribute holds the provisioner password or key, and
// the only private keys are the service keys crank_certificate generated.
func noKeysInState(password string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				if strings.Contains(v, password) || strings.Contains(v, "encryptedKey") {
					return fmt.Errorf("%s.%s holds the provisioner password or key", addr, k)
				}
				if strings.Contains(v, "PRIVATE KEY") && !(strings.HasPrefix(addr, "crank_certificate.") && k == "private_key_pem") {
					return fmt.Errorf("%s.%s holds a private key", addr, k)
				}
			}
		}
		return nil
	}
}

// TestAccStepCARevocation revokes through a real step-ca: a crank_crl entry
// is revoked at apply and the CA's own CRL, exposed as crl_pem, revokes it
// for openssl; a certificate of an issuer with revoke_on_destroy is revoked
// when it is destroyed (the server's CRL lists it and a second revocation
// is "already revoked"); what a remote CA decides itself fails the plan.
func TestAccStepCARevocation(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	srv := stepcatest.Start(t, stepCAPassword)
	t.Setenv(stepca.PasswordEnv, stepCAPassword)
	dir := t.TempDir()
	var leaked, billing, tracked, crlNumber string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: stepCARevocationConfig(srv, true, true, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					noSecretsInPlan{needles: []string{stepCAPassword, "encryptedKey"}},
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureAttr("crank_certificate.leaked", "serial", &leaked),
					captureAttr("crank_certificate.billing", "serial", &billing),
					captureAttr("crank_certificate.tracked", "serial", &tracked),
					captureAttr("crank_crl.ca", "crl_number", &crlNumber),
					resource.TestCheckResourceAttr("crank_crl.ca", "revocations.0.reason", "keyCompromise"),
					resource.TestCheckResourceAttrPtr("crank_crl.ca", "revoked_serials.0", &leaked),
					caCRLLists(&leaked, 1),
					opensslRevoked(dir, "crank_certificate.leaked"),
					noKeysInState(stepCAPassword),
				),
			},
			{
				// billing leaves the configuration: its destroy revokes it at
				// step-ca, whose CRL then has a new number, so the next plan
				// of crank_crl picks that CRL up.
				Config:             stepCARevocationConfig(srv, false, true, ""),
				ExpectNonEmptyPlan: true,
				Check:              caCRLLists(&billing, 5),
			},
			{
				// tracked leaves the configuration and the CRL's tracked list:
				// its own destroy revokes nothing, the CRL revokes it through
				// the API, then reads step-ca's new CRL.
				Config: stepCARevocationConfig(srv, false, false, ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					caCRLLists(&tracked, 5),
					attrChanged("crank_crl.ca", "crl_number", &crlNumber),
					opensslRevoked(dir, "crank_certificate.leaked"),
					resource.TestCheckResourceAttr("crank_crl.ca", "revocations.#", "2"),
					resource.TestCheckTypeSetElemNestedAttrs("crank_crl.ca", "revocations.*", map[string]string{"source": "tracked", "reason": "cessationOfOperation"}),
				),
			},
			{
				Config:      stepCARevocationConfig(srv, false, false, `, revoked_at = "2026-01-01T00:00:00Z"`),
				ExpectError: regexp.MustCompile(`revoked_at cannot be honoured by a remote CA`),
			},
			{
				Config:      strings.Replace(stepCARevocationConfig(srv, false, false, ""), `resource "crank_crl" "ca" {`, "resource \"crank_crl\" \"ca\" {\n  next_update = \"1d\"", 1),
				ExpectError: regexp.MustCompile(`next_update cannot be honoured by a remote CA`),
			},
		},
	})
}

// TestAccStepCACRLNotPublished: a crank_crl of a step-ca that publishes no
// CRL fails its plan and says how to enable it.
func TestAccStepCACRLNotPublished(t *testing.T) {
	requireAcc(t)
	srv := stepcatest.StartWithoutCRL(t, stepCAPassword)
	t.Setenv(stepca.PasswordEnv, stepCAPassword)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "crank_stepca_issuer" "ca" {
  url              = %q
  root_fingerprint = %q
  provisioner_name = %q
}
resource "crank_crl" "ca" {
  issuer  = data.crank_stepca_issuer.ca.issuer
  revoked = [{ serial = "01" }]
}
`, srv.URL, srv.RootFingerprint, stepcatest.Provisioner),
			ExpectError: regexp.MustCompile(`The remote CA's CRL is unavailable[\s\S]*step-ca publishes no CRL[\s\S]*"enabled": true`),
		}},
	})
}
