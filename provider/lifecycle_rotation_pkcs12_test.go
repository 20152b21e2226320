package provider

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

const rotationConfig = `
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject = { common_name = "Rotation Root" }
}
resource "crank_ca" "old" {
  subject  = { common_name = "Intermediate 1" }
  parent   = crank_ca.root.issuer
  validity = "365d"
}
resource "crank_ca" "new" {
  subject  = { common_name = "Intermediate 2" }
  parent   = crank_ca.root.issuer
  validity = "730d"
}
resource "crank_certificate" "old_leaf" {
  issuer  = crank_ca.old.issuer
  service = "billing"
}
resource "crank_certificate" "new_leaf" {
  issuer  = crank_ca.new.issuer
  service = "billing"
}
data "crank_trust_bundle" "overlap" {
  certificates_pem = [crank_ca.new.cert_pem, crank_ca.old.cert_pem, crank_ca.root.cert_pem, crank_ca.old.cert_pem]
}
`

// TestAccLifecycleRotationBundle: a client trusting only the merged bundle
// verifies leaves of both the outgoing and the incoming intermediate.
func TestAccLifecycleRotationBundle(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{{
			Config: rotationConfig,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.crank_trust_bundle.overlap", "certificates.#", "3"),
				resource.TestCheckResourceAttr("data.crank_trust_bundle.overlap", "certificates.0.subject", "CN=Intermediate 1"),
				resource.TestCheckResourceAttr("data.crank_trust_bundle.overlap", "certificates.1.subject", "CN=Intermediate 2"),
				resource.TestCheckResourceAttr("data.crank_trust_bundle.overlap", "certificates.2.subject", "CN=Rotation Root"),
				resource.TestCheckResourceAttrPair("data.crank_trust_bundle.overlap", "earliest_not_after", "crank_ca.old", "not_after"),
				checkBundleVerifiesBoth,
			),
		}},
	})
}

func checkBundleVerifiesBoth(s *terraform.State) error {
	bundle, err := stateAttr(s, "data.crank_trust_bundle.overlap", "bundle_pem")
	if err != nil {
		return err
	}
	files := map[string]string{"bundle.pem": bundle}
	for _, leaf := range []string{"old_leaf", "new_leaf"} {
		if files[leaf+".pem"], err = stateAttr(s, "crank_certificate."+leaf, "cert_pem"); err != nil {
			return err
		}
	}
	dir, err := os.MkdirTemp("", "bundle")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			return err
		}
	}
	for _, leaf := range []string{"old_leaf.pem", "new_leaf.pem"} {
		if _, err := run(dir, "openssl", "verify", "-CAfile", "bundle.pem", leaf); err != nil {
			return fmt.Errorf("a client trusting the bundle rejects %s: %w", leaf, err)
		}
	}
	return nil
}

const pkcs12Config = `
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject = { common_name = "P12 Root" }
}
resource "crank_ca" "int" {
  subject = { common_name = "P12 Intermediate" }
  parent  = crank_ca.root.issuer
}
resource "crank_certificate" "svc" {
  issuer  = crank_ca.int.issuer
  service = "java-svc"
}
output "p12" {
  value     = provider::crank::pkcs12_encode(crank_certificate.svc.cert_pem, crank_certificate.svc.private_key_pem, crank_certificate.svc.chain_pem, %q)
  sensitive = true
}
`

// TestAccLifecycleFunctionPKCS12: the keystore opens in openssl and keytool;
// an empty password is refused with a fix.
func TestAccLifecycleFunctionPKCS12(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				Config:      fmt.Sprintf(pkcs12Config, ""),
				ExpectError: regexp.MustCompile(`(?s)PKCS#12\s+password\s+is\s+empty.*non-empty\s+password`),
			},
			{
				Config: fmt.Sprintf(pkcs12Config, "changeit-123"),
				Check:  checkPKCS12Opens("changeit-123"),
			},
			{
				Config:      strings.Replace(fmt.Sprintf(pkcs12Config, "changeit-123"), `"changeit-123")`, `"changeit-123", "a", "b")`, 1),
				ExpectError: regexp.MustCompile(`(?s)friendly_name was given 2 times`),
			},
		},
	})
}

func checkPKCS12Opens(password string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		o, ok := s.RootModule().Outputs["p12"]
		if !ok {
			return fmt.Errorf("output p12 missing")
		}
		der, err := base64.StdEncoding.DecodeString(fmt.Sprint(o.Value))
		if err != nil {
			return err
		}
		dir, err := os.MkdirTemp("", "p12")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if err := os.WriteFile(filepath.Join(dir, "svc.p12"), der, 0o600); err != nil {
			return err
		}
		out, err := run(dir, "openssl", "pkcs12", "-info", "-in", "svc.p12", "-nokeys", "-passin", "pass:"+password)
		if err != nil {
			return err
		}
		for _, want := range []string{"PBES2, PBKDF2, AES-256-CBC", "localKeyID", "subject=CN = P12 Intermediate", "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC"} {
			if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(out) {
				return fmt.Errorf("openssl pkcs12 -info lacks %q:\n%s", want, out)
			}
		}
		if mac, err := run(dir, "openssl", "pkcs12", "-in", "svc.p12", "-info", "-noout", "-passin", "pass:"+password); err != nil || !regexp.MustCompile(`MAC: sha256`).MatchString(mac) {
			return fmt.Errorf("MAC is not HMAC-SHA-256: %v\n%s", err, mac)
		}
		if _, err := os.Stat("/usr/bin/keytool"); err == nil {
			out, err := run(dir, "/usr/bin/keytool", "-list", "-storetype", "PKCS12", "-keystore", "svc.p12", "-storepass", password)
			if err != nil {
				return err
			}
			// The alias is the friendlyName: the service name by default.
			if !regexp.MustCompile(`(?m)^java-svc, .*PrivateKeyEntry`).MatchString(out) {
				return fmt.Errorf("keytool sees no private key entry with alias java-svc:\n%s", out)
			}
		}
		return nil
	}
}
