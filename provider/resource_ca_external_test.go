package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/crank-platform/terraform-provider-crank/examples/worker/workertest"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// offlineRootConfig is the openssl configuration of a root kept offline.
const offlineRootConfig = `[req]
distinguished_name = dn
x509_extensions    = v3_ca
prompt             = no
[dn]
CN = Offline Root
[v3_ca]
basicConstraints     = critical,CA:TRUE
keyUsage             = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
`

// A CA signed with looser constraints than configured (path length 2).
const looserCAExtensions = `basicConstraints = critical,CA:TRUE,pathlen:2
keyUsage = critical,keyCertSign,cRLSign
nameConstraints = critical,permitted;URI:example.org
`

// offlineRoot makes a root with openssl in dir, as a team would in its safe.
func offlineRoot(t *testing.T, dir, name string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "root.cnf"), []byte(offlineRootConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := run(dir, "openssl", "req", "-x509", "-config", "root.cnf", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
		"-nodes", "-keyout", name+".key", "-out", name+".pem", "-days", "30"); err != nil {
		t.Fatal(out, err)
	}
}

func externalCAConfig(storage, signed string) string {
	return fmt.Sprintf(`
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "services" {
  external_parent  = true
  subject          = { common_name = "Offline-signed Services CA" }
  name_constraints = { permitted_uri_domains = ["example.org"] }
  %s
  %s
}
`, storage, signed)
}

func signedInputs(dir, cert, chain string) string {
	return fmt.Sprintf("signed_cert_pem  = file(%q)\n  signed_chain_pem = file(%q)", filepath.Join(dir, cert), filepath.Join(dir, chain))
}

const externalLeafConfig = `
resource "crank_certificate" "billing" {
  issuer   = crank_ca.services.issuer
  service  = "billing"
  validity = "72h"
}
`

// signWithOfflineRoot signs the CA's csr_pem with openssl in the ways an
// offline root might: right, for another key, without CA extensions, and
// with looser constraints.
func signWithOfflineRoot(dir string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		csr, err := stateAttr(s, "crank_ca.services", "csr_pem")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "ca.csr"), []byte(csr), 0o600); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "looser.ext"), []byte(looserCAExtensions), 0o600); err != nil {
			return err
		}
		sign := func(in, out string, extra ...string) error {
			args := append([]string{"x509", "-req", "-in", in, "-CA", "root.pem", "-CAkey", "root.key", "-days", "7", "-out", out}, extra...)
			_, err := run(dir, "openssl", args...)
			return err
		}
		for _, step := range []func() error{
			func() error { return sign("ca.csr", "good.pem", "-copy_extensions", "copyall") },
			func() error { return sign("ca.csr", "notca.pem") },
			func() error { return sign("ca.csr", "looser.pem", "-extfile", "looser.ext") },
			func() error {
				_, err := run(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
					"-keyout", "other.key", "-out", "other.csr", "-subj", "/CN=Offline-signed Services CA")
				return err
			},
			func() error { return sign("other.csr", "otherkey.pem", "-copy_extensions", "copyall") },
		} {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	}
}

// verifyLeafAgainstOfflineRoot runs openssl verify of the issued leaf
// against the offline root alone, with the CA's chain as untrusted input.
func verifyLeafAgainstOfflineRoot(dir string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		leaf, err := stateAttr(s, "crank_certificate.billing", "cert_pem")
		if err != nil {
			return err
		}
		chain, err := stateAttr(s, "crank_certificate.billing", "chain_pem")
		if err != nil {
			return err
		}
		bundle, err := stateAttr(s, "crank_certificate.billing", "ca_bundle_pem")
		if err != nil {
			return err
		}
		root, _ := os.ReadFile(filepath.Join(dir, "root.pem"))
		want, err := pki.ParseCertPEM(string(root))
		if err != nil {
			return err
		}
		if got, _ := pki.ParseCertPEM(bundle); got == nil || !got.Equal(want) {
			return fmt.Errorf("ca_bundle_pem is not the offline root")
		}
		for name, content := range map[string]string{"leaf.pem": leaf, "chain.pem": chain} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
				return err
			}
		}
		out, err := run(dir, "openssl", "verify", "-CAfile", "root.pem", "-untrusted", "chain.pem", "-purpose", "sslserver", "leaf.pem")
		if err != nil {
			return err
		}
		if !regexp.MustCompile(`leaf.pem: OK`).MatchString(out) {
			return fmt.Errorf("openssl verify: %s", out)
		}
		return nil
	}
}

// TestAccExternalParentCSR makes an intermediate whose certificate an
// offline root signs with openssl, refuses every wrong signed certificate at
// plan time without touching state, then issues a leaf that openssl
// verifies against the offline root.
func TestAccExternalParentCSR(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "openssl")
	for _, storage := range []string{"state", "file"} {
		t.Run(storage, func(t *testing.T) {
			dir := t.TempDir()
			offlineRoot(t, dir, "root")
			offlineRoot(t, dir, "stranger")
			attrs := `key_storage = "state"`
			if storage == "file" {
				attrs = fmt.Sprintf("key_storage = \"file\"\n  key_file = %q", filepath.Join(dir, "services.key"))
				t.Setenv(pki.KeyPassphraseEnv, cliTestPassphrase)
			}
			pending := externalCAConfig(attrs, "")
			steps := []resource.TestStep{{
				Config: pending,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrSet("crank_ca.services", "csr_pem"),
					resource.TestCheckNoResourceAttr("crank_ca.services", "issuer"),
					resource.TestCheckNoResourceAttr("crank_ca.services", "cert_pem"),
					signWithOfflineRoot(dir),
				),
			}}
			if storage == "state" {
				for _, bad := range []struct{ cert, chain, err string }{
					{"otherkey.pem", "root.pem", `Signed certificate is for another key`},
					{"notca.pem", "root.pem", `Signed certificate is not a CA`},
					{"looser.pem", "root.pem", `Signed certificate has other CA constraints[\s\S]*path length 2`},
					{"good.pem", "stranger.pem", `Signed certificate does not chain to the given root`},
				} {
					steps = append(steps, resource.TestStep{Config: externalCAConfig(attrs, signedInputs(dir, bad.cert, bad.chain)), ExpectError: regexp.MustCompile(bad.err)})
				}
				// Nothing of the refused certificates reached state: the
				// pending configuration still plans no change.
				steps = append(steps, resource.TestStep{Config: pending, PlanOnly: true})
			}
			steps = append(steps, resource.TestStep{
				Config: externalCAConfig(attrs, signedInputs(dir, "good.pem", "root.pem")) + externalLeafConfig,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrSet("crank_ca.services", "issuer"),
					resource.TestCheckResourceAttrSet("crank_ca.services", "csr_pem"),
					verifyLeafAgainstOfflineRoot(dir),
				),
			})
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccFactories, Steps: steps})
		})
	}
}
