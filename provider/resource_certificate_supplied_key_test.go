package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// TestAccSuppliedKey certifies a public key and a CSR: the certificates carry
// those keys and no private key material reaches state.
func TestAccSuppliedKey(t *testing.T) {
	requireAcc(t)
	key, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	pubDER, _ := x509.MarshalPKIXPublicKey(key.Public())
	pubPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))
	csrKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	csrDER, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "ignored"}, DNSNames: []string{"ignored.example"}}, csrKey)
	csrPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDER}))
	config := fmt.Sprintf(`
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject = { common_name = "Supplied Key Root" }
}
resource "crank_certificate" "pub" {
  issuer         = crank_ca.root.issuer
  service        = "pub"
  public_key_pem = %q
}
resource "crank_certificate" "csr" {
  issuer  = crank_ca.root.issuer
  service = "csr"
  csr_pem = %q
}
`, pubPEM, csrPEM)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckNoResourceAttr("crank_certificate.pub", "private_key_pem"),
				resource.TestCheckNoResourceAttr("crank_certificate.csr", "private_key_pem"),
				resource.TestCheckResourceAttr("crank_certificate.pub", "key_algorithm", "ECDSA_P384"),
				resource.TestCheckResourceAttr("crank_certificate.csr", "key_algorithm", "ECDSA_P256"),
				checkCertKey("crank_certificate.pub", key.Public()),
				checkCertKey("crank_certificate.csr", csrKey.Public()),
				checkNoLeafPrivateKeys,
			),
		}},
	})
}

func checkCertKey(addr string, want any) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		p, err := stateAttr(s, addr, "cert_pem")
		if err != nil {
			return err
		}
		c, err := parseOne(p)
		if err != nil {
			return err
		}
		if !c.PublicKey.(*ecdsa.PublicKey).Equal(want) {
			return fmt.Errorf("%s certifies a different key than the one supplied", addr)
		}
		if len(c.DNSNames) != 0 || c.Subject.CommonName == "ignored" {
			return fmt.Errorf("%s took names from the CSR; only the key may come from it", addr)
		}
		return nil
	}
}

// checkNoLeafPrivateKeys reads the state file tofu wrote and makes sure the
// only private key in it is the CA's own (inside its issuer handle).
func checkNoLeafPrivateKeys(s *terraform.State) error {
	for addr, rs := range s.RootModule().Resources {
		if !strings.HasPrefix(addr, "crank_certificate.") {
			continue
		}
		for k, v := range rs.Primary.Attributes {
			if strings.Contains(v, "PRIVATE KEY") {
				return fmt.Errorf("%s.%s holds a private key", addr, k)
			}
		}
		// The CA handle is the certificate's issuer input; nothing else may
		// carry key bytes.
	}
	return nil
}
