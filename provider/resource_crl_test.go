package provider

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

const crlOpenSSLConfig = `
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject = { common_name = "CRL Root" }
}
resource "crank_ca" "inter" {
  parent      = crank_ca.root.issuer
  subject     = { common_name = "CRL Intermediate" }
  validity    = "365d"
  key_storage = "file"
  key_file    = %q
}
resource "crank_certificate" "revoked" {
  issuer  = crank_ca.inter.issuer
  service = "compromised"
}
resource "crank_certificate" "good" {
  issuer  = crank_ca.inter.issuer
  service = "billing"
}
resource "crank_crl" "inter" {
  issuer  = crank_ca.inter.issuer
  revoked = [{ serial = crank_certificate.revoked.serial, reason = "keyCompromise" }]
}
resource "crank_crl" "root" {
  issuer      = crank_ca.root.issuer
  next_update = "24h"
  revoked     = [{ serial = "4096", revoked_at = "2025-01-02T03:04:05Z" }]
}
`

// crlFiles writes the hierarchy, the leaves and the CRLs for openssl.
func crlFiles(s *terraform.State, dir string, files map[string][2]string) error {
	for name, ref := range files {
		v, err := stateAttr(s, ref[0], ref[1])
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(v), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// TestAccCRLOpenSSL: a CRL of a file-backed intermediate and one of an
// in-state root; openssl accepts both signatures, rejects the revoked leaf
// and accepts the other one.
func TestAccCRLOpenSSL(t *testing.T) {
	requireAcc(t)
	t.Setenv(pki.KeyPassphraseEnv, "crl-test-passphrase")
	keyFile := filepath.Join(t.TempDir(), "inter.key")
	dir := t.TempDir()
	check := func(s *terraform.State) error {
		if err := crlFiles(s, dir, map[string][2]string{
			"root.pem":     {"crank_ca.root", "cert_pem"},
			"inter.pem":    {"crank_ca.inter", "cert_pem"},
			"chain.pem":    {"crank_ca.inter", "chain_pem"},
			"revoked.pem":  {"crank_certificate.revoked", "cert_pem"},
			"good.pem":     {"crank_certificate.good", "cert_pem"},
			"crl.pem":      {"crank_crl.inter", "crl_pem"},
			"root-crl.pem": {"crank_crl.root", "crl_pem"},
		}); err != nil {
			return err
		}
		// chain_pem of an intermediate CA is the CA and its parents.
		for _, c := range [][]string{
			{"crl", "-in", "crl.pem", "-noout", "-verify", "-CAfile", "chain.pem"},
			{"crl", "-in", "root-crl.pem", "-noout", "-verify", "-CAfile", "root.pem"},
		} {
			out, err := run(dir, "openssl", c...)
			if err != nil || !strings.Contains(out, "verify OK") {
				return fmt.Errorf("openssl %s: %v %s", strings.Join(c, " "), err, out)
			}
			t.Logf("openssl %s: %s", strings.Join(c, " "), strings.TrimSpace(out))
		}
		out, err := run(dir, "openssl", "verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "root.pem", "-untrusted", "inter.pem", "revoked.pem")
		if err == nil || !strings.Contains(out, "certificate revoked") {
			return fmt.Errorf("openssl accepted the revoked leaf: %v\n%s", err, out)
		}
		t.Logf("openssl verify -crl_check revoked.pem: %s", strings.TrimSpace(out))
		out, err = run(dir, "openssl", "verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "root.pem", "-untrusted", "inter.pem", "good.pem")
		if err != nil || !strings.Contains(out, "good.pem: OK") {
			return fmt.Errorf("openssl rejected the good leaf: %v\n%s", err, out)
		}
		t.Logf("openssl verify -crl_check good.pem: %s", strings.TrimSpace(out))

		text, err := run(dir, "openssl", "crl", "-in", "crl.pem", "-noout", "-text")
		if err != nil {
			return err
		}
		serial, _ := stateAttr(s, "crank_certificate.revoked", "serial")
		for _, want := range []string{`Version 2`, `X509v3 CRL Number:\s+1\n`, `X509v3 Authority Key Identifier`, `Key Compromise`, `Serial Number: 0*` + strings.ReplaceAll(serial, ":", "")} {
			if !regexp.MustCompile(want).MatchString(text) {
				return fmt.Errorf("openssl crl -text lacks %s:\n%s", want, text)
			}
		}
		rootText, err := run(dir, "openssl", "crl", "-in", "root-crl.pem", "-noout", "-text")
		if err != nil {
			return err
		}
		if !strings.Contains(rootText, "Serial Number: 1000") || !strings.Contains(rootText, "Jan  2 03:04:05 2025 GMT") || strings.Contains(rootText, "Reason Code") {
			return fmt.Errorf("root CRL: want serial 1000 (4096), the given time and no reason code:\n%s", rootText)
		}
		return nil
	}
	config := fmt.Sprintf(crlOpenSSLConfig, keyFile)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_crl.inter", "crl_number", "1"),
					resource.TestCheckResourceAttr("crank_crl.inter", "revoked_serials.#", "1"),
					resource.TestCheckResourceAttrPair("crank_crl.inter", "revoked_serials.0", "crank_certificate.revoked", "serial"),
					resource.TestCheckResourceAttr("crank_crl.inter", "revocations.0.reason", "keyCompromise"),
					resource.TestCheckResourceAttr("crank_crl.inter", "revocations.0.source", "revoked"),
					resource.TestCheckResourceAttrPair("crank_crl.inter", "id", "crank_ca.inter", "subject_key_id"),
					resource.TestCheckResourceAttr("crank_crl.root", "revoked_serials.0", "10:00"),
					resource.TestCheckResourceAttr("crank_crl.root", "revocations.0.reason", "unspecified"),
					resource.TestCheckResourceAttr("crank_crl.root", "revocations.0.revoked_at", "2025-01-02T03:04:05Z"),
					checkCRLLifetime("crank_crl.root", 24*time.Hour),
					checkCRLLifetime("crank_crl.inter", 7*24*time.Hour),
					check,
				),
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func checkCRLLifetime(addr string, want time.Duration) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		this, err := stateAttr(s, addr, "this_update")
		if err != nil {
			return err
		}
		next, err := stateAttr(s, addr, "next_update_at")
		if err != nil {
			return err
		}
		a, err1 := time.Parse(time.RFC3339, this)
		b, err2 := time.Parse(time.RFC3339, next)
		if err1 != nil || err2 != nil || b.Sub(a) != want {
			return fmt.Errorf("%s: this_update %s, next_update_at %s, want %s apart", addr, this, next, want)
		}
		return nil
	}
}

const crlRegenConfig = `
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject = { common_name = "CRL Regen Root" }
}
resource "crank_crl" "root" {
  issuer      = crank_ca.root.issuer
  next_update = "3d"
  revoked     = [%s]
}
`

// TestAccCRLRegeneration moves the provider clock: the CRL is kept in the
// first two thirds of its lifetime and signed again with the next number in
// the last third; a change of the revoked set signs it again at once, and
// an entry keeps the time it was first listed.
func TestAccCRLRegeneration(t *testing.T) {
	requireAcc(t)
	clock := newTestClock()
	one := `{ serial = "01:F4", reason = "superseded" }`
	two := one + `, { serial = "4096", reason = "cessationOfOperation" }`
	var firstPEM, firstRevokedAt string
	day := 24 * time.Hour
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(clock.Now),
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(crlRegenConfig, one),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_crl.root", "crl_number", "1"),
					resource.TestCheckResourceAttr("crank_crl.root", "revoked_serials.0", "01:F4"),
					captureAttr("crank_crl.root", "crl_pem", &firstPEM),
					captureAttr("crank_crl.root", "revocations.0.revoked_at", &firstRevokedAt),
					checkThisUpdateAt(clock, "crank_crl.root"),
				),
			},
			{
				// Day 1.9: before the last third (day 2), nothing to do.
				PreConfig:        func() { clock.Advance(day + 21*time.Hour) },
				Config:           fmt.Sprintf(crlRegenConfig, one),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("crank_crl.root", plancheck.ResourceActionNoop)}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_crl.root", "crl_number", "1"),
					resource.TestCheckResourceAttrPtr("crank_crl.root", "crl_pem", &firstPEM),
				),
			},
			{
				// Day 2.1: inside the last third, signed again in place.
				PreConfig: func() { clock.Advance(5 * time.Hour) },
				Config:    fmt.Sprintf(crlRegenConfig, one),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_crl.root", plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue("crank_crl.root", tfjsonpath.New("crl_pem")),
					plancheck.ExpectKnownValue("crank_crl.root", tfjsonpath.New("crl_number"), knownvalue.Int64Exact(2)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_crl.root", "crl_number", "2"),
					attrChanged("crank_crl.root", "crl_pem", &firstPEM),
					resource.TestCheckResourceAttrPtr("crank_crl.root", "revocations.0.revoked_at", &firstRevokedAt),
					checkThisUpdateAt(clock, "crank_crl.root"),
					checkCRLLifetime("crank_crl.root", 3*day),
					checkCRLNumber("crank_crl.root", 2, 1),
				),
			},
			{
				// A second entry: a new CRL at once, the first entry keeps its time.
				PreConfig: func() { clock.Advance(time.Hour) },
				Config:    fmt.Sprintf(crlRegenConfig, two),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_crl.root", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("crank_crl.root", tfjsonpath.New("crl_number"), knownvalue.Int64Exact(3)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_crl.root", "crl_number", "3"),
					resource.TestCheckResourceAttr("crank_crl.root", "revoked_serials.#", "2"),
					resource.TestCheckResourceAttr("crank_crl.root", "revoked_serials.1", "10:00"),
					resource.TestCheckResourceAttrPtr("crank_crl.root", "revocations.0.revoked_at", &firstRevokedAt),
					checkRevokedAtNow(clock, "crank_crl.root", "revocations.1.revoked_at"),
					checkCRLNumber("crank_crl.root", 3, 2),
				),
			},
			{
				// Removing it again also signs a new CRL.
				Config: fmt.Sprintf(crlRegenConfig, one),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_crl.root", "crl_number", "4"),
					resource.TestCheckResourceAttr("crank_crl.root", "revoked_serials.#", "1"),
				),
			},
		},
	})
}

func checkThisUpdateAt(clock *testClock, addr string) resource.TestCheckFunc {
	return checkRevokedAtNow(clock, addr, "this_update")
}

// checkRevokedAtNow checks a time attribute is the (moved) provider clock.
func checkRevokedAtNow(clock *testClock, addr, name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		v, err := stateAttr(s, addr, name)
		if err != nil {
			return err
		}
		got, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return err
		}
		if d := got.Sub(clock.Now()); d > time.Minute || d < -time.Minute {
			return fmt.Errorf("%s.%s = %s, want the provider clock %s", addr, name, v, rfc3339(clock.Now()))
		}
		return nil
	}
}

// checkCRLNumber parses the signed CRL: its number and entry count.
func checkCRLNumber(addr string, number int64, entries int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		v, err := stateAttr(s, addr, "crl_der_base64")
		if err != nil {
			return err
		}
		crl, err := parseCRLBase64(v)
		if err != nil {
			return err
		}
		if crl.Number.Int64() != number || len(crl.RevokedCertificateEntries) != entries {
			return fmt.Errorf("%s: CRL number %v with %d entries, want %d with %d", addr, crl.Number, len(crl.RevokedCertificateEntries), number, entries)
		}
		return nil
	}
}

func parseCRLBase64(v string) (*x509.RevocationList, error) {
	der, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, err
	}
	return x509.ParseRevocationList(der)
}

const crlTrackedConfig = `
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject = { common_name = "Tracked Root" }
}
resource "crank_certificate" "billing" {
  issuer    = crank_ca.root.issuer
  service   = "billing"
  dns_names = [%q]
  lifecycle {
    create_before_destroy = true
  }
}
%s
resource "crank_crl" "root" {
  issuer               = crank_ca.root.issuer
  tracked_certificates = [%s]
}
`

const crlTrackedLedger = `
resource "crank_certificate" "ledger" {
  issuer  = crank_ca.root.issuer
  service = "ledger"
}
`

// TestAccCRLTracked: a tracked certificate that is destroyed is listed as
// cessationOfOperation, one that is replaced as superseded, and openssl then
// rejects both old certificates while the replacement verifies.
func TestAccCRLTracked(t *testing.T) {
	requireAcc(t)
	dir := t.TempDir()
	var ledgerSerial, billingSerial string
	savePEM := func(addr, name string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			return crlFiles(s, dir, map[string][2]string{name: {addr, "cert_pem"}})
		}
	}
	verify := func(leaf, want string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			if err := crlFiles(s, dir, map[string][2]string{"root.pem": {"crank_ca.root", "cert_pem"}, "crl.pem": {"crank_crl.root", "crl_pem"}}); err != nil {
				return err
			}
			out, err := run(dir, "openssl", "verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "root.pem", leaf)
			if !strings.Contains(out, want) || (want == leaf+": OK") != (err == nil) {
				return fmt.Errorf("openssl verify -crl_check %s: want %q, got %v\n%s", leaf, want, err, out)
			}
			t.Logf("openssl verify -crl_check %s: %s", leaf, strings.Join(strings.Fields(out), " "))
			return nil
		}
	}
	both := "crank_certificate.billing.cert_pem, crank_certificate.ledger.cert_pem"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(crlTrackedConfig, "billing.internal", crlTrackedLedger, both),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_crl.root", "revoked_serials.#", "0"),
					resource.TestCheckResourceAttr("crank_crl.root", "crl_number", "1"),
					captureAttr("crank_certificate.ledger", "serial", &ledgerSerial),
					captureAttr("crank_certificate.billing", "serial", &billingSerial),
					savePEM("crank_certificate.ledger", "ledger.pem"),
					savePEM("crank_certificate.billing", "billing-old.pem"),
					verify("ledger.pem", "ledger.pem: OK"),
				),
			},
			{
				// ledger is destroyed: its serial is listed as gone.
				Config: fmt.Sprintf(crlTrackedConfig, "billing.internal", "", "crank_certificate.billing.cert_pem"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_certificate.ledger", plancheck.ResourceActionDestroy),
					plancheck.ExpectResourceAction("crank_crl.root", plancheck.ResourceActionUpdate),
					// The plan already shows which serial is revoked; its time is set by the apply.
					plancheck.ExpectKnownValue("crank_crl.root", tfjsonpath.New("revoked_serials"), knownvalue.ListSizeExact(1)),
					plancheck.ExpectUnknownValue("crank_crl.root", tfjsonpath.New("revocations")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_crl.root", "crl_number", "2"),
					resource.TestCheckResourceAttr("crank_crl.root", "revoked_serials.#", "1"),
					resource.TestCheckResourceAttrPtr("crank_crl.root", "revoked_serials.0", &ledgerSerial),
					resource.TestCheckResourceAttr("crank_crl.root", "revocations.0.source", "tracked"),
					resource.TestCheckResourceAttr("crank_crl.root", "revocations.0.reason", "cessationOfOperation"),
					verify("ledger.pem", "certificate revoked"),
					verify("billing-old.pem", "billing-old.pem: OK"),
				),
			},
			{
				// billing is replaced: the old one is superseded, ledger stays listed.
				Config: fmt.Sprintf(crlTrackedConfig, "billing2.internal", "", "crank_certificate.billing.cert_pem"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_certificate.billing", plancheck.ResourceActionCreateBeforeDestroy),
					plancheck.ExpectResourceAction("crank_crl.root", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_crl.root", "crl_number", "3"),
					resource.TestCheckResourceAttr("crank_crl.root", "revoked_serials.#", "2"),
					checkRevocation("crank_crl.root", &billingSerial, "superseded"),
					checkRevocation("crank_crl.root", &ledgerSerial, "cessationOfOperation"),
					savePEM("crank_certificate.billing", "billing-new.pem"),
					verify("billing-old.pem", "certificate revoked"),
					verify("billing-new.pem", "billing-new.pem: OK"),
				),
			},
		},
	})
}

// checkRevocation finds the entry of a serial and checks its reason.
func checkRevocation(addr string, serial *string, reason string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for i := 0; ; i++ {
			got, err := stateAttr(s, addr, fmt.Sprintf("revocations.%d.serial", i))
			if err != nil {
				return fmt.Errorf("%s lists no serial %s", addr, *serial)
			}
			if got == *serial {
				r, _ := stateAttr(s, addr, fmt.Sprintf("revocations.%d.reason", i))
				if r != reason {
					return fmt.Errorf("%s: serial %s has reason %s, want %s", addr, got, r, reason)
				}
				return nil
			}
		}
	}
}

const crlErrorsBase = `
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject = { common_name = "CRL Errors Root" }
}
resource "crank_ca" "other" {
  subject = { common_name = "CRL Errors Other" }
}
resource "crank_certificate" "mine" {
  issuer  = crank_ca.root.issuer
  service = "mine"
}
resource "crank_certificate" "foreign" {
  issuer  = crank_ca.other.issuer
  service = "foreign"
}
`

func crlWith(body string) string {
	return crlErrorsBase + "resource \"crank_crl\" \"root\" {\n" + body + "\n}\n"
}

// noCRLSignHandle is an issuer handle of a CA that may sign certificates but
// not CRLs (keyCertSign without cRLSign).
func noCRLSignHandle(t *testing.T) string {
	t.Helper()
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	ski, _ := pki.KeyID(key.Public())
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: "No CRL Sign CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		BasicConstraintsValid: true, IsCA: true, KeyUsage: x509.KeyUsageCertSign, SubjectKeyId: ski,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	h, err := pki.EncodeHandle(&pki.Issuer{Cert: cert, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestAccCRLBadInput: every refusal fails the plan of an existing CRL with
// a message naming the attribute, the value and the fix, and the CRL that
// was there is left untouched.
func TestAccCRLBadInput(t *testing.T) {
	requireAcc(t)
	good := crlWith(`issuer = crank_ca.root.issuer
revoked = [{ serial = crank_certificate.mine.serial }]`)
	cases := []struct {
		name, config, want string
	}{
		{"certificate of another issuer", crlWith(`issuer = crank_ca.root.issuer
revoked = [{ certificate_pem = crank_certificate.foreign.cert_pem }]`), `(?s)Revoked\s+serial\s+of\s+another\s+issuer.*revoked\[0\]\.certificate_pem\s+=\s+"spiffe://[a-z.]+/foreign\s+\(serial\s+[0-9A-F:]+\)":\s+revoked\s+serial\s+of\s+another\s+issuer:\s+the\s+certificate's\s+authority\s+key\s+identifier\s+is\s+[0-9A-F:]+,\s+but\s+this\s+CRL's\s+issuer\s+"CN=CRL\s+Errors\s+Root"\s+has\s+subject\s+key\s+identifier\s+[0-9A-F:]+\.\s+List\s+it\s+in\s+the\s+crank_crl\s+whose\s+issuer\s+signed\s+it`},
		{"tracked certificate of another issuer", crlWith(`issuer = crank_ca.root.issuer
tracked_certificates = [crank_certificate.mine.cert_pem, crank_certificate.foreign.cert_pem]`), `(?s)Tracked certificate of another issuer.*tracked_certificates\[1\] = "spiffe://[a-z.]+/foreign`},
		{"unparseable serial", crlWith(`issuer = crank_ca.root.issuer
revoked = [{ serial = "12:XY" }]`), `(?s)Invalid serial number.*revoked\[0\]\.serial = "12:XY": not hexadecimal\. Write the serial as crank_certificate\.serial prints it`},
		{"decimal that is not", crlWith(`issuer = crank_ca.root.issuer
revoked = [{ serial = "12-34" }]`), `(?s)revoked\[0\]\.serial = "12-34": neither hexadecimal nor a decimal number`},
		{"unknown reason", crlWith(`issuer = crank_ca.root.issuer
revoked = [{ serial = crank_certificate.mine.serial, reason = "compromised" }]`), `(?s)Unknown revocation reason.*revoked\[0\]\.reason = "compromised": not an RFC 5280 revocation reason\. Use one of unspecified, keyCompromise, cACompromise`},
		{"removeFromCRL", crlWith(`issuer = crank_ca.root.issuer
revoked = [{ serial = crank_certificate.mine.serial, reason = "removeFromCRL" }]`), `(?s)revoked\[0\]\.reason = "removeFromCRL": removeFromCRL only has a meaning in delta CRLs.*delete the entry from revoked`},
		{"issuer without cRLSign", crlWith(fmt.Sprintf(`issuer = %q`, noCRLSignHandle(t))), `(?s)Issuer cannot sign CRLs.*lacks the cRLSign key usage.*re-issue this CA with the cRLSign key usage`},
		{"duplicate serial", crlWith(`issuer = crank_ca.root.issuer
revoked = [{ serial = crank_certificate.mine.serial }, { certificate_pem = crank_certificate.mine.cert_pem, reason = "keyCompromise" }]`), `(?s)Duplicate serial.*Serial [0-9A-F:]+ is listed in both revoked\[0\] and revoked\[1\]\. A CRL lists each certificate once: remove one of the entries`},
		{"serial differs from certificate", crlWith(`issuer = crank_ca.root.issuer
revoked = [{ serial = "4096", certificate_pem = crank_certificate.mine.cert_pem }]`), `(?s)revoked\[0\]\.serial = "4096" but certificate_pem has serial [0-9A-F:]+\. Remove serial`},
		{"entry without certificate", crlWith(`issuer = crank_ca.root.issuer
revoked = [{ reason = "superseded" }]`), `(?s)revoked\[0\] sets neither serial nor certificate_pem\. Set serial`},
		{"bad revoked_at", crlWith(`issuer = crank_ca.root.issuer
revoked = [{ serial = "4096", revoked_at = "yesterday" }]`), `(?s)revoked\[0\]\.revoked_at = "yesterday" is not an RFC 3339 time`},
		{"bad next_update", crlWith(`issuer = crank_ca.root.issuer
next_update = "a week"`), `(?s)"a week" is not a valid duration`},
		{"garbage issuer", crlWith(`issuer = "not a handle"`), `(?s)invalid issuer handle.*issuer = crank_ca\.intermediate\.issuer`},
	}
	var pemBefore string
	steps := []resource.TestStep{{
		Config: good,
		Check: resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr("crank_crl.root", "crl_number", "1"),
			captureAttr("crank_crl.root", "crl_pem", &pemBefore),
		),
	}}
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config: tc.config,
			// The CLI wraps messages, so a space in a pattern matches any run of white space.
			ExpectError: regexp.MustCompile(strings.ReplaceAll(tc.want, " ", `\s+`)),
		})
	}
	// Nothing was written: the first CRL is still there, unchanged.
	steps = append(steps, resource.TestStep{
		Config:           good,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		Check: resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr("crank_crl.root", "crl_number", "1"),
			resource.TestCheckResourceAttrPtr("crank_crl.root", "crl_pem", &pemBefore),
		),
	})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccFactories, Steps: steps})
}

const crlIssuerChangeConfig = `
resource "crank_ca" "a" {
  subject = { common_name = "CRL Issuer A" }
}
resource "crank_ca" "b" {
  subject = { common_name = "CRL Issuer B" }
}
resource "crank_crl" "ca" {
  issuer  = crank_ca.%s.issuer
  revoked = [{ serial = "4096" }]
}
`

// TestAccCRLIssuerChange: pointing the CRL at another CA signs a new one in
// place, under the new issuer, with the next number.
func TestAccCRLIssuerChange(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(crlIssuerChangeConfig, "a"),
				Check:  resource.TestCheckResourceAttrPair("crank_crl.ca", "id", "crank_ca.a", "subject_key_id"),
			},
			{
				Config: fmt.Sprintf(crlIssuerChangeConfig, "b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_crl.ca", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair("crank_crl.ca", "id", "crank_ca.b", "subject_key_id"),
					resource.TestCheckResourceAttr("crank_crl.ca", "crl_number", "2"),
					checkCRLSignedBy("crank_crl.ca", "crank_ca.b"),
				),
			},
		},
	})
}

func checkCRLSignedBy(crlAddr, caAddr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		v, err := stateAttr(s, crlAddr, "crl_der_base64")
		if err != nil {
			return err
		}
		crl, err := parseCRLBase64(v)
		if err != nil {
			return err
		}
		caPEM, err := stateAttr(s, caAddr, "cert_pem")
		if err != nil {
			return err
		}
		ca, err := parseOne(caPEM)
		if err != nil {
			return err
		}
		return crl.CheckSignatureFrom(ca)
	}
}
