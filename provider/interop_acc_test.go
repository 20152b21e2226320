package provider

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/crank-platform/terraform-provider-crank/internal/interop"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// The provider's own defaults (subject, key usage, pointers, PKCS#12
// alias) through the same stacks as internal/interop's matrix, for the
// default key algorithm and RSA.
const interopConfig = `
provider "crank" {
  trust_domain = "crank.internal"
}
resource "crank_ca" "root" {
  subject = { common_name = "Interop Root" }
}
resource "crank_ca" "services" {
  parent                  = crank_ca.root.issuer
  subject                 = { common_name = "Interop Services CA" }
  crl_distribution_points = ["http://pki.crank.internal/services.crl"]
  name_constraints = {
    permitted_dns_domains = ["crank.internal", "localhost"]
    permitted_uri_domains = ["crank.internal"]
    permitted_ip_ranges   = ["127.0.0.0/8", "10.0.0.0/8"]
  }
}
%s`

// interopShapes are the certificates of interopConfig: the matrix's leaf
// shapes for the default key algorithm and RSA, and a peer for handshakes.
var interopShapes = []struct{ name, body string }{
	{"default-ecdsa", ``},
	{"client-ecdsa", `usages = ["client"]`},
	{"server-ecdsa", `usages = ["server"]
  dns_names = ["billing.crank.internal", "localhost"]
  ip_addresses = ["127.0.0.1"]`},
	{"default-rsa", `key_algorithm = "RSA_2048"`},
	{"client-rsa", `key_algorithm = "RSA_2048"
  usages = ["client"]`},
	{"server-rsa", `key_algorithm = "RSA_2048"
  usages = ["server"]
  dns_names = ["billing.crank.internal", "localhost"]
  ip_addresses = ["127.0.0.1"]`},
	{"peer", `dns_names = ["localhost"]
  ip_addresses = ["127.0.0.1"]`},
}

func resourceName(shape string) string { return strings.ReplaceAll(shape, "-", "_") }

func interopConfigHCL() string {
	var b strings.Builder
	b.WriteString("output \"p12\" {\n  sensitive = true\n  value = {\n")
	for _, sh := range interopShapes {
		r := "crank_certificate." + resourceName(sh.name)
		fmt.Fprintf(&b, "    %q = provider::crank::pkcs12_encode(%s.cert_pem, %s.private_key_pem, %s.chain_pem, %q)\n", sh.name, r, r, r, interop.P12Password)
	}
	b.WriteString("  }\n}\n")
	for _, sh := range interopShapes {
		fmt.Fprintf(&b, "resource \"crank_certificate\" %q {\n  issuer = crank_ca.services.issuer\n  service = %q\n  %s\n}\n", resourceName(sh.name), sh.name, sh.body)
	}
	return fmt.Sprintf(interopConfig, b.String())
}

func TestAccInteropProviderDefaults(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps:                    []resource.TestStep{{Config: interopConfigHCL(), Check: checkInterop(t)}},
	})
}

func checkInterop(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		zlint := interop.Zlint(t)
		interop.Tool(t, "certtool", "gnutls-bin")
		ns := interop.NewNetns(t)
		p12s, ok := s.RootModule().Outputs["p12"].Value.(map[string]any)
		if !ok {
			return fmt.Errorf("output p12 is %T", s.RootModule().Outputs["p12"].Value)
		}
		load := func(name string) (*x509.Certificate, []*x509.Certificate, *x509.Certificate, crypto.Signer, error) {
			addr := "crank_certificate." + resourceName(name)
			attrs := map[string]string{}
			for _, a := range []string{"cert_pem", "chain_pem", "ca_bundle_pem", "private_key_pem"} {
				v, err := stateAttr(s, addr, a)
				if err != nil {
					return nil, nil, nil, nil, err
				}
				attrs[a] = v
			}
			leaf, err := pki.ParseCertPEM(attrs["cert_pem"])
			if err != nil {
				return nil, nil, nil, nil, err
			}
			chain, err := pki.ParseCertsPEM(attrs["chain_pem"])
			if err != nil {
				return nil, nil, nil, nil, err
			}
			root, err := pki.ParseCertPEM(attrs["ca_bundle_pem"])
			if err != nil {
				return nil, nil, nil, nil, err
			}
			key, err := pki.ParsePrivateKeyPEM(attrs["private_key_pem"])
			return leaf, chain[1:], root, key, err
		}
		peer, _, _, peerKey, err := load("peer")
		if err != nil {
			return err
		}
		var dirs []string
		var cases []*interop.Case
		base := t.TempDir()
		for _, name := range []string{"default-ecdsa", "client-ecdsa", "server-ecdsa", "default-rsa", "client-rsa", "server-rsa"} {
			leaf, inter, root, key, err := load(name)
			if err != nil {
				return err
			}
			roles := []string{"client", "server"}
			switch {
			case strings.HasPrefix(name, "client"):
				roles = []string{"client"}
			case strings.HasPrefix(name, "server"):
				roles = []string{"server"}
			}
			wantKU := pki.LeafKeyUsage(leaf.PublicKey, usagesOf(roles))
			if leaf.KeyUsage != wantKU || (name == "client-rsa") != (leaf.KeyUsage&x509.KeyUsageKeyEncipherment == 0 && strings.HasSuffix(name, "rsa")) {
				return fmt.Errorf("%s: key usage %b, want %b (RSA client-only without keyEncipherment)", name, leaf.KeyUsage, wantKU)
			}
			if wantCN := map[bool]string{true: "billing.crank.internal", false: ""}[strings.HasPrefix(name, "server")]; leaf.Subject.CommonName != wantCN || (wantCN == "" && leaf.Subject.String() != "") {
				return fmt.Errorf("%s: subject %q, want the default (CN %q)", name, leaf.Subject, wantCN)
			}
			if len(leaf.CRLDistributionPoints) != 1 {
				return fmt.Errorf("%s: CDP %v, want the issuer's", name, leaf.CRLDistributionPoints)
			}
			c := &interop.Case{Dir: filepath.Join(base, name), Root: root, Intermediates: inter, Leaf: leaf, LeafKey: key, Peer: peer, PeerKey: peerKey,
				Roles: roles, Hostname: strings.HasPrefix(name, "server"), Alias: name}
			if err := c.Write(); err != nil {
				return err
			}
			// The keystore Java reads is the provider function's, default alias.
			der, err := base64.StdEncoding.DecodeString(fmt.Sprint(p12s[name]))
			if err != nil {
				return fmt.Errorf("%s: p12 output: %w", name, err)
			}
			if err := os.WriteFile(filepath.Join(c.Dir, "leaf.p12"), der, 0o600); err != nil {
				return err
			}
			cases = append(cases, c)
			dirs = append(dirs, c.Dir)
		}
		var problems []string
		java, python := interop.RunJava(t, dirs), interop.RunPython(t, dirs)
		for _, c := range cases {
			name := filepath.Base(c.Dir)
			fail := func(check string, err error) {
				if err != nil {
					problems = append(problems, fmt.Sprintf("%s: %s: %v", name, check, err))
				}
			}
			fail("openssl verify -x509_strict", interop.OpenSSLVerify(c.Dir, ""))
			for _, role := range c.Roles {
				oid := map[string]string{"server": interop.ServerAuthOID, "client": interop.ClientAuthOID}[role]
				fail("certtool --verify "+role, interop.CerttoolVerify(c.Dir, oid))
				if role == "server" {
					fail("gnutls mTLS as server", ns.GnuTLSHandshake(c.Dir, "leaf", "peer", c.Hostname))
				} else {
					fail("gnutls mTLS as client", ns.GnuTLSHandshake(c.Dir, "peer", "leaf", true))
				}
				for stack, r := range map[string]interop.Results{"java": java, "python": python} {
					if failure, ran := r.Get(c.Dir, "tls-leaf-"+role); !ran || failure != "" {
						problems = append(problems, fmt.Sprintf("%s: %s mTLS as %s: ran=%v %s", name, stack, role, ran, failure))
					}
				}
			}
			for _, check := range []string{"pkix", "alias"} {
				if failure, ran := java.Get(c.Dir, check); !ran || failure != "" {
					problems = append(problems, fmt.Sprintf("%s: java %s: ran=%v %s", name, check, ran, failure))
				}
			}
			bad, err := interop.ZlintErrors(zlint, filepath.Join(c.Dir, "leaf.pem"))
			fail("zlint", err)
			if len(bad) > 0 {
				problems = append(problems, fmt.Sprintf("%s: zlint RFC 5280 errors: %v", name, bad))
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("interop failures:\n%s", strings.Join(problems, "\n"))
		}
		return nil
	}
}

func usagesOf(roles []string) []pki.Usage {
	var out []pki.Usage
	for _, r := range roles {
		out = append(out, pki.Usage(r))
	}
	return out
}
