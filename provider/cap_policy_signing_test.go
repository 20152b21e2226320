package provider

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/crank-platform/terraform-provider-crank/cap"
)

// writePolicySigningKey writes a fresh Ed25519 key as
// `openssl genpkey -algorithm ed25519` would, mode 0600, and returns its path.
func writePolicySigningKey(t *testing.T, dir string) string {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.CreateTemp(dir, "policy-signing-*.pem")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if err := pem.Encode(file, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		t.Fatal(err)
	}
	return file.Name()
}

// checkSignedBundle verifies signed_bundle_json with signing_public_key the
// way a service does, and that it holds bundle_json and names the key.
func checkSignedBundle(publicKeys *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attr := func(name string) string { v, _ := stateAttr(s, "crank_cap_policy.billing", name); return v }
		keys, err := cap.ParsePolicyKeys([]byte(attr("signing_public_key")))
		if err != nil {
			return err
		}
		bundle, keyID, err := cap.OpenSignedBundle([]byte(attr("signed_bundle_json")), keys)
		if err != nil {
			return err
		}
		if bundle.Digest != attr("bundle_digest") || string(bundle.Canonical) != attr("bundle_json") || keyID != attr("signing_key_id") {
			return fmt.Errorf("signed bundle digest %s key %s, state has %s %s", bundle.Digest, keyID, attr("bundle_digest"), attr("signing_key_id"))
		}
		if strings.Contains(attr("signed_bundle_json"), "PRIVATE KEY") {
			return fmt.Errorf("the signed bundle carries key material")
		}
		*publicKeys += attr("signing_public_key")
		return nil
	}
}

func TestAccCapPolicySignedBundle(t *testing.T) {
	requireAcc(t)
	dir := t.TempDir()
	oldKey, newKey := writePolicySigningKey(t, dir), writePolicySigningKey(t, dir)
	config := func(keyFile string) string {
		return capConfig("", capDefaultRules, fmt.Sprintf("  signing_key_file = %q\n", keyFile))
	}
	var oldPublic, bothPublic string
	var oldSigned string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: config(oldKey),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// Deterministic Ed25519: the signed bundle is in the plan.
					plancheck.ExpectKnownValue("crank_cap_policy.billing", tfjsonpath.New("signed_bundle_json"), knownvalue.NotNull()),
				}},
				Check: resource.ComposeTestCheckFunc(checkSignedBundle(&oldPublic), func(s *terraform.State) error {
					oldSigned, _ = stateAttr(s, "crank_cap_policy.billing", "signed_bundle_json")
					return nil
				}),
			},
			{
				// Rotation: the new key re-signs; a service trusting only
				// the old key refuses the new bundle, one trusting both
				// accepts it.
				Config: config(newKey),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_cap_policy.billing", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(checkSignedBundle(&bothPublic), func(s *terraform.State) error {
					signed, _ := stateAttr(s, "crank_cap_policy.billing", "signed_bundle_json")
					old, _ := cap.ParsePolicyKeys([]byte(oldPublic))
					if _, _, err := cap.OpenSignedBundle([]byte(signed), old); err == nil {
						return fmt.Errorf("a bundle signed by the new key verified with the old key alone")
					}
					both, _ := cap.ParsePolicyKeys([]byte(oldPublic + bothPublic))
					for _, b := range []string{oldSigned, signed} {
						if _, _, err := cap.OpenSignedBundle([]byte(b), both); err != nil {
							return fmt.Errorf("during rotation both bundles must verify: %w", err)
						}
					}
					return nil
				}),
			},
			{
				Config:      config(filepath.Join(dir, "gone.pem")),
				ExpectError: regexp.MustCompile(`Policy signing key not readable`),
			},
			{
				// Without a key the plain bundle stays, the signed one is null.
				Config: capConfig("", capDefaultRules, ""),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckNoResourceAttr("crank_cap_policy.billing", "signed_bundle_json"),
					resource.TestCheckResourceAttrSet("crank_cap_policy.billing", "bundle_json"),
				),
			},
		},
	})
}

func TestSignCapBundleKeyFileProblems(t *testing.T) {
	dir := t.TempDir()
	canonical, _, err := cap.Marshal(cap.Policy{Service: "billing", TrustDomain: "example.org", Capabilities: []cap.Capability{{Name: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	good := writePolicySigningKey(t, dir)
	if _, diags := signCapBundle(good, canonical); diags.HasError() || len(diags) != 0 {
		t.Fatalf("a 0600 key: %v", diags)
	}
	if err := os.Chmod(good, 0o644); err != nil {
		t.Fatal(err)
	}
	_, diags := signCapBundle(good, canonical)
	if diags.HasError() || len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning || !strings.Contains(diags[0].Detail(), "chmod 600") {
		t.Fatalf("a world-readable key must warn: %v", diags)
	}
	notEd25519 := filepath.Join(dir, "rsa.pem")
	if err := os.WriteFile(notEd25519, []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, diags := signCapBundle(notEd25519, canonical); !diags.HasError() || !strings.Contains(diags[0].Detail(), "openssl genpkey -algorithm ed25519") {
		t.Fatalf("a public key is not a signing key: %v", diags)
	}
}
