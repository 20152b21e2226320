package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

const errorsBase = `
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject  = { common_name = "Errors Root" }
  validity = "8760h"
}
resource "crank_ca" "constrained" {
  parent   = crank_ca.root.issuer
  subject  = { common_name = "Constrained" }
  validity = "4380h"
  name_constraints = {
    permitted_dns_domains = ["svc.internal"]
    excluded_dns_domains  = ["secret.svc.internal"]
    permitted_uri_domains = ["example.org"]
    permitted_ip_ranges   = ["10.0.0.0/8"]
  }
}
`

// badHandles builds issuer handles that decode but must not sign: a leaf
// certificate posing as a CA, and a CA whose key is not its own.
func badHandles(t *testing.T) (notCA, wrongKey string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	mk := func(isCA bool) []byte {
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "handle test"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			BasicConstraintsValid: true, IsCA: isCA, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		}
		if !isCA {
			tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	enc := func(certDER []byte, k *ecdsa.PrivateKey) string {
		kd, _ := x509.MarshalPKCS8PrivateKey(k)
		s, err := pki.Handle{Version: 1, Backend: "local", Cert: base64.StdEncoding.EncodeToString(certDER), Key: base64.StdEncoding.EncodeToString(kd)}.String()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	return enc(mk(false), key), enc(mk(true), other)
}

func publicKeyPEM(t *testing.T, bits int) string {
	t.Helper()
	var pub any
	if bits == 224 {
		k, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
		pub = k.Public()
	} else {
		k, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		pub = k.Public()
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// tamperedCSR is a request whose signature does not cover its content.
func tamperedCSR(t *testing.T) string {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "csr"}}, k)
	if err != nil {
		t.Fatal(err)
	}
	der[len(der)-5] ^= 0xff
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

func certWith(body string) string {
	return errorsBase + "resource \"crank_certificate\" \"bad\" {\n" + body + "\n}\n"
}

// TestAccBadInput walks every refusal of the issuance policy and every input
// check; each must fail the plan with a message naming the attribute, the
// value and the fix.
func TestAccBadInput(t *testing.T) {
	requireAcc(t)
	notCA, wrongKey := badHandles(t)
	cases := []struct {
		name, config string
		want         string
	}{
		{"dns outside constraints", certWith(`issuer = crank_ca.constrained.issuer
service = "billing"
dns_names = ["billing.example.com"]`), `(?s)dns_names = "billing.example.com".*not inside the name constraints.*permitted: svc.internal`},
		{"subject CN outside the DNS constraints", certWith(`issuer = crank_ca.constrained.issuer
service = "billing"
subject = { common_name = "billing", organization = "Example" }`), `(?s)subject = "billing".*Java.*GnuTLS.*those stacks would reject the certificate`},
		{"dns excluded", certWith(`issuer = crank_ca.constrained.issuer
service = "billing"
dns_names = ["db.secret.svc.internal"]`), `(?s)excluded by the name constraints.*secret.svc.internal`},
		{"trust domain outside uri constraints", certWith(`issuer = crank_ca.constrained.issuer
service = "billing"
trust_domain = "evil.org"`), `(?s)spiffe_id = "spiffe://evil.org/billing".*not inside the name constraints`},
		{"ip outside constraints", certWith(`issuer = crank_ca.constrained.issuer
service = "billing"
ip_addresses = ["192.168.1.1"]`), `(?s)ip_addresses = "192.168.1.1".*not inside the permitted IP ranges.*10.0.0.0/8`},
		{"not an ip", certWith(`issuer = crank_ca.constrained.issuer
service = "billing"
ip_addresses = ["10.0.0.300"]`), `(?s)ip_addresses = "10.0.0.300": not an IP address`},
		{"validity past issuer", certWith(`issuer = crank_ca.constrained.issuer
service = "billing"
validity = "5000h"`), `(?s)outlive its issuer.*Shorten validity`},
		{"intermediate outlives root", errorsBase + `
resource "crank_ca" "long" {
  parent   = crank_ca.root.issuer
  subject  = { common_name = "Too long" }
  validity = "9000h"
}`, `(?s)outlive its issuer "CN=Errors Root"`},
		{"path length exceeded", errorsBase + `
resource "crank_ca" "below" {
  parent   = crank_ca.constrained.issuer
  subject  = { common_name = "Below a pathlen 0 CA" }
  validity = "100h"
}`, `(?s)max_path_length 0, so it cannot have another CA`},
		{"issuer is not a CA", certWith(fmt.Sprintf(`issuer = %q
service = "billing"`, notCA)), `(?s)cannot sign certificates`},
		{"issuer key does not match", certWith(fmt.Sprintf(`issuer = %q
service = "billing"`, wrongKey)), `(?s)issuer private key does not match the issuer certificate`},
		{"garbage issuer", certWith(`issuer = "not a handle"
service = "billing"`), `(?s)invalid issuer handle.*issuer = crank_ca.intermediate.issuer`},
		{"invalid spiffe id", certWith(`issuer = crank_ca.root.issuer
service = "billing"
spiffe_id = "spiffe://Example.org/billing"`), `(?s)Invalid SPIFFE ID.*trust domain must be lowercase`},
		{"spiffe id with dot segment", certWith(`issuer = crank_ca.root.issuer
service = "billing"
spiffe_id = "spiffe://example.org/a/../b"`), `(?s)path segments must not be '.' or '..'`},
		{"spiffe id conflicts with trust domain", certWith(`issuer = crank_ca.root.issuer
service = "billing"
trust_domain = "other.org"
spiffe_id = "spiffe://example.org/billing"`), `(?s)trust_domain = "other.org" but spiffe_id`},
		{"bad service name", certWith(`issuer = crank_ca.root.issuer
service = "billing service"`), `(?s)Service name cannot form a SPIFFE ID.*path contains`},
		{"bad trust domain", certWith(`issuer = crank_ca.root.issuer
service = "billing"
trust_domain = "Prod"`), `(?s)Invalid trust domain.*must be lowercase`},
		{"key algorithm mismatch", certWith(fmt.Sprintf(`issuer = crank_ca.root.issuer
service = "billing"
key_algorithm = "ED25519"
public_key_pem = %q`, publicKeyPEM(t, 384))), `(?s)key_algorithm = "ED25519" but the supplied key is ECDSA_P384`},
		{"weak curve", certWith(fmt.Sprintf(`issuer = crank_ca.root.issuer
service = "billing"
public_key_pem = %q`, publicKeyPEM(t, 224))), `(?s)ECDSA curve P-224 is not accepted`},
		{"not a public key", certWith(`issuer = crank_ca.root.issuer
service = "billing"
public_key_pem = "hello"`), `(?s)no PEM public key block found`},
		{"tampered csr", certWith(fmt.Sprintf(`issuer = crank_ca.root.issuer
service = "billing"
csr_pem = %q`, tamperedCSR(t))), `(?s)(signature does not verify|parsing certificate request)`},
		{"renew_before too long", certWith(`issuer = crank_ca.root.issuer
service = "billing"
validity = "10d"
renew_before = "10d"`), `(?s)renew_before = "10d" is not shorter than validity`},
		{"bad duration", certWith(`issuer = crank_ca.root.issuer
service = "billing"
validity = "ninety days"`), `(?s)"ninety days" is not a valid duration`},
		{"non-ASCII service name", certWith(`issuer = crank_ca.root.issuer
service = "facturías"`), `(?s)path contains 'í'`},
		{"unknown usage", certWith(`issuer = crank_ca.root.issuer
service = "billing"
usages = ["email"]`), `(?s)usages.*value must be one of`},
		{"bad cidr", errorsBase + `
resource "crank_ca" "badcidr" {
  subject = { common_name = "Bad CIDR" }
  name_constraints = { permitted_ip_ranges = ["10.0.0.0/33"] }
}`, `(?s)name_constraints.permitted_ip_ranges = "10.0.0.0/33": not a CIDR range`},
	}
	// The CAs exist first, so every refusal below is decided at plan time,
	// where the issuer is known.
	steps := []resource.TestStep{{Config: errorsBase}}
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config: tc.config,
			// The CLI wraps messages, so a space in a pattern matches any run of white space.
			ExpectError: regexp.MustCompile(strings.ReplaceAll(tc.want, " ", `\s+`)),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccFactories, Steps: steps})
}

// TestAccNoTrustDomain needs a provider block without a trust domain.
func TestAccNoTrustDomain(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "crank_ca" "root" {
  subject = { common_name = "Root" }
}
resource "crank_certificate" "svc" {
  issuer  = crank_ca.root.issuer
  service = "svc"
}`,
			ExpectError: regexp.MustCompile(`(?s)Neither this resource nor the provider sets\s+trust_domain`),
		}},
	})
}
