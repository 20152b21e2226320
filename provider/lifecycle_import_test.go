package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
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

const importPointersConfig = `
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject                  = { common_name = "Import Pointers Root" }
  crl_distribution_points  = ["http://pki.example.org/root.crl"]
  ocsp_servers             = ["http://ocsp.example.org"]
  issuing_certificate_urls = ["http://pki.example.org/root.der"]
}
resource "crank_certificate" "svc" {
  issuer    = crank_ca.root.issuer
  service   = "svc"
  dns_names = ["svc.internal"]
}
`

// TestAccImportNoOpPlan imports, into an empty state, a CA whose
// configuration sets revocation and AIA URLs and a certificate it issued:
// the URLs are read back from the certificate named by issued_pem, so the
// plan leaves the CA alone (before, it planned a new CA), and the
// certificate only records its issuer in place. A certificate of another CA
// as issued_pem is refused.
func TestAccImportNoOpPlan(t *testing.T) {
	requireAcc(t)
	dir := t.TempDir()
	otherDir := t.TempDir()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{{
			Config: importPointersConfig,
			Check: func(s *terraform.State) error {
				if _, err := exportCA(dir, "crank_ca.root")(s); err != nil {
					return err
				}
				_, err := exportCert(dir, "crank_certificate.svc")(s)
				return err
			},
		}},
	})
	// Another CA's certificate, to be refused as issued_pem.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{{
			Config: importPointersConfig,
			Check:  func(s *terraform.State) error { _, err := exportCert(otherDir, "crank_certificate.svc")(s); return err },
		}},
	})
	if t.Failed() {
		return
	}
	caID := fmt.Sprintf("cert_pem=%s,key_pem=%s", filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca.key"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: importPointersConfig, ResourceName: "crank_ca.root", ImportState: true, ImportStatePersist: true,
				ImportStateId: caID + ",issued_pem=" + filepath.Join(otherDir, "svc.pem"),
				ExpectError:   regexp.MustCompile(`The issued certificate is not this CA's`),
			},
			{
				Config: importPointersConfig, ResourceName: "crank_ca.root", ImportState: true, ImportStatePersist: true,
				ImportStateId: caID + ",issued_pem=" + filepath.Join(dir, "svc.pem"),
			},
			{
				Config: importPointersConfig, ResourceName: "crank_certificate.svc", ImportState: true, ImportStatePersist: true,
				ImportStateId: "cert_pem=" + filepath.Join(dir, "svc.pem"),
			},
			{
				Config: importPointersConfig,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_ca.root", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("crank_certificate.svc", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_ca.root", "crl_distribution_points.0", "http://pki.example.org/root.crl"),
					resource.TestCheckResourceAttr("crank_ca.root", "ocsp_servers.0", "http://ocsp.example.org"),
					resource.TestCheckResourceAttr("crank_ca.root", "issuing_certificate_urls.0", "http://pki.example.org/root.der"),
				),
			},
		},
	})
}
