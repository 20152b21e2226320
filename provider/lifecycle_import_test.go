package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

const importStateConfig = `
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject = { common_name = "Import Root", organization = "Crank" }
}
resource "crank_ca" "int" {
  parent  = crank_ca.root.issuer
  subject = { common_name = "Import Intermediate" }
  name_constraints = { permitted_uri_domains = ["example.org"] }
}
resource "crank_certificate" "svc" {
  issuer    = crank_ca.int.issuer
  service   = "payments/svc"
  dns_names = ["svc.internal"]
}
`

// exportCA writes a state-backed CA's chain and key the way an operator
// would hold them, and returns the import ID naming both files.
func exportCA(dir, addr string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		handle, err := stateAttr(s, addr, "issuer")
		if err != nil {
			return "", err
		}
		iss, err := resolveIssuer(handle)
		if err != nil {
			return "", err
		}
		keyPEM, err := pki.EncodePrivateKeyPEM(iss.Key)
		if err != nil {
			return "", err
		}
		certFile, keyFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca.key")
		if err := os.WriteFile(certFile, []byte(pki.EncodeCertsPEM(iss.Chain()...)), 0o600); err != nil {
			return "", err
		}
		if err := os.WriteFile(keyFile, []byte(keyPEM), 0o600); err != nil {
			return "", err
		}
		return fmt.Sprintf("cert_pem=%s,key_pem=%s", certFile, keyFile), nil
	}
}

func exportCert(dir, addr string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		certPEM, err := stateAttr(s, addr, "chain_pem")
		if err != nil {
			return "", err
		}
		root, err := stateAttr(s, addr, "ca_bundle_pem")
		if err != nil {
			return "", err
		}
		p := filepath.Join(dir, "svc.pem")
		return "cert_pem=" + p, os.WriteFile(p, []byte(certPEM+root), 0o600)
	}
}

// TestAccImportStateBacked imports a state-backed intermediate (chain and
// key files) and a certificate (its chain) and checks the imported state
// equals the created one, apart from what import cannot know: the parent
// handle and the certificate's issuer, which the first apply records, and
// the certificate's private key, which is never imported.
func TestAccImportStateBacked(t *testing.T) {
	requireAcc(t)
	dir := t.TempDir()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{Config: importStateConfig},
			{
				Config: importStateConfig, ResourceName: "crank_ca.int", ImportState: true,
				ImportStateIdFunc: exportCA(dir, "crank_ca.int"), ImportStateVerify: true,
				ImportStateVerifyIdentifierAttribute: "id",
				ImportStateVerifyIgnore:              []string{"parent", "key_passphrase_wo"},
			},
			{
				Config: importStateConfig, ResourceName: "crank_certificate.svc", ImportState: true,
				ImportStateIdFunc: exportCert(dir, "crank_certificate.svc"), ImportStateVerify: true,
				ImportStateVerifyIdentifierAttribute: "id",
				ImportStateVerifyIgnore:              []string{"issuer", "private_key_pem", "public_key_pem_wo"},
			},
			{
				Config:       importStateConfig,
				ResourceName: "crank_ca.int", ImportState: true, ImportStateId: "cert_pem=" + filepath.Join(dir, "ca.pem"),
				ExpectError: regexp.MustCompile(`(?s)A state-backed CA needs both cert_pem\s+and\s+key_pem`),
			},
		},
	})
}
