package provider

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/crank-platform/terraform-provider-crank/examples/worker/workertest"
)

// capE2EConfig issues the hierarchy and billing's policy with the provider.
// No for_each: the testing framework's state shim cannot address string keys.
// The gateway's read limit (burst 2, one token per 100 s) makes the third
// read rate limited without the test depending on timing.
const capE2EConfig = `
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject  = { common_name = "CAP E2E Root" }
  validity = "8760h"
}
resource "crank_ca" "intermediate" {
  parent           = crank_ca.root.issuer
  subject          = { common_name = "CAP E2E Services" }
  validity         = "4380h"
  name_constraints = { permitted_uri_domains = ["example.org"] }
}
resource "crank_certificate" "billing" {
  issuer       = crank_ca.intermediate.issuer
  service      = "billing"
  ip_addresses = ["127.0.0.1"]
  validity     = "24h"
}
resource "crank_certificate" "api_gateway" {
  issuer       = crank_ca.intermediate.issuer
  service      = "api-gateway"
  ip_addresses = ["127.0.0.1"]
  validity     = "24h"
}
resource "crank_certificate" "worker" {
  issuer       = crank_ca.intermediate.issuer
  service      = "worker"
  ip_addresses = ["127.0.0.1"]
  validity     = "24h"
}
resource "crank_certificate" "stranger" {
  issuer       = crank_ca.intermediate.issuer
  service      = "stranger"
  ip_addresses = ["127.0.0.1"]
  validity     = "24h"
}
resource "crank_ca" "rogue" {
  subject  = { common_name = "Someone else's CA" }
  validity = "8760h"
}
resource "crank_certificate" "forged_gateway" {
  issuer       = crank_ca.rogue.issuer
  service      = "api-gateway"
  ip_addresses = ["127.0.0.1"]
  validity     = "24h"
}

resource "crank_capability" "read" {
  service     = "billing"
  name        = "invoice.read"
  http_method = "GET"
  http_path   = "/v1/invoices/{id}"
}
resource "crank_capability" "create" {
  service     = "billing"
  name        = "invoice.create"
  http_method = "POST"
  http_path   = "/v1/invoices"
}
resource "crank_cap_rule" "gateway_read" {
  id           = "gateway-read"
  service      = "billing"
  action       = "allow"
  callers      = [{ service = "api-gateway" }]
  capabilities = ["invoice.read"]
  rate_limit   = { rps = 0.01, burst = 2 }
}
resource "crank_cap_rule" "gateway_create" {
  id           = "gateway-create"
  service      = "billing"
  action       = "allow"
  callers      = [{ service = "api-gateway" }]
  capabilities = ["invoice.create"]
}
resource "crank_cap_rule" "worker_read" {
  id           = "worker-read"
  service      = "billing"
  action       = "allow"
  callers      = [{ service = "worker" }]
  capabilities = ["invoice.read"]
}
resource "crank_cap_rule" "worker_never_creates" {
  id           = "worker-never-creates"
  service      = "billing"
  action       = "deny"
  callers      = [{ service = "worker" }]
  capabilities = ["invoice.create"]
}
resource "crank_cap_policy" "billing" {
  service        = "billing"
  capabilities   = [crank_capability.read.capability, crank_capability.create.capability]
  rules          = [for r in [crank_cap_rule.gateway_read, crank_cap_rule.gateway_create, crank_cap_rule.worker_read, crank_cap_rule.worker_never_creates] : r.rule]
  known_services   = ["billing", "api-gateway", "worker", "stranger"]
  issuer           = crank_ca.intermediate.issuer
  signing_key_file = "SIGNING_KEY_FILE"

  test {
    caller     = "worker"
    capability = "invoice.create"
    expect     = "deny"
    reason     = "matched_deny"
  }
}
`

// capE2EFiles writes what the provider issued into dir, in the files the
// worker and curl take: <name>.pem (chain) and <name>.key per identity.
func capE2EFiles(dir string, bundleDigest *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		write := func(name, content string) error {
			return os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600)
		}
		for _, name := range []string{"billing", "api-gateway", "worker", "stranger"} {
			addr := "crank_certificate." + strings.ReplaceAll(name, "-", "_")
			if err := writeStateFiles(s, addr, name, write); err != nil {
				return err
			}
		}
		if err := writeStateFiles(s, "crank_certificate.forged_gateway", "forged-gateway", write); err != nil {
			return err
		}
		root, err := stateAttr(s, "crank_ca.root", "cert_pem")
		if err != nil {
			return err
		}
		intermediate, err := stateAttr(s, "crank_ca.intermediate", "cert_pem")
		if err != nil {
			return err
		}
		bundle, err := stateAttr(s, "crank_cap_policy.billing", "signed_bundle_json")
		if err != nil {
			return err
		}
		policyKey, err := stateAttr(s, "crank_cap_policy.billing", "signing_public_key")
		if err != nil {
			return err
		}
		if *bundleDigest, err = stateAttr(s, "crank_cap_policy.billing", "bundle_digest"); err != nil {
			return err
		}
		return errors.Join(write("root.pem", root), write("trust.pem", root+intermediate), write("bundle.json", bundle), write("policy-keys.pem", policyKey))
	}
}

func writeStateFiles(s *terraform.State, addr, name string, write func(name, content string) error) error {
	chain, err := stateAttr(s, addr, "chain_pem")
	if err != nil {
		return err
	}
	key, err := stateAttr(s, addr, "private_key_pem")
	if err != nil {
		return err
	}
	return errors.Join(write(name+".pem", chain), write(name+".key", key))
}

// TestAccCapEndToEnd issues certificates and billing's bundle with the
// provider, runs examples/worker on them and calls it with the real curl.
func TestAccCapEndToEnd(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "curl")
	dir := t.TempDir()
	var digest string
	config := strings.ReplaceAll(capE2EConfig, "SIGNING_KEY_FILE", writePolicySigningKey(t, dir))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps:                    []resource.TestStep{{Config: config, Check: capE2EFiles(dir, &digest)}},
	})
	if t.Failed() {
		return
	}

	worker := workertest.Start(t, "-listen", "127.0.0.1:0",
		"-cert", filepath.Join(dir, "billing.pem"), "-key", filepath.Join(dir, "billing.key"),
		"-ca", filepath.Join(dir, "trust.pem"), "-bundle", filepath.Join(dir, "bundle.json"),
		"-policy-keys", filepath.Join(dir, "policy-keys.pem"),
		"-reload-interval", "1h") // reloads come from SIGHUP only, so the test controls them
	base := "https://" + worker.Addr
	call := func(t *testing.T, cert, method, path string) workertest.CurlResult {
		t.Helper()
		return workertest.Curl(t, dir, filepath.Join(dir, "root.pem"), cert, method, base+path)
	}
	expectDenial := func(t *testing.T, r workertest.CurlResult, status, reason string, ruleIDs []string) {
		t.Helper()
		if r.ExitCode != 0 || r.Status != status {
			t.Fatalf("curl exit %d, HTTP %s (%s), want HTTP %s; body %s", r.ExitCode, r.Status, r.Stderr, status, r.Body)
		}
		var body struct {
			Error, Decision, Reason string
			RuleIDs                 []string `json:"rule_ids"`
			Digest                  string   `json:"bundle_digest"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatalf("denial body is not JSON: %q", r.Body)
		}
		if body.Decision != "deny" || body.Reason != reason || !slices.Equal(body.RuleIDs, ruleIDs) || body.Digest != digest || body.Error == "" {
			t.Fatalf("denial body %s, want reason %s, rule_ids %v, digest %s", r.Body, reason, ruleIDs, digest)
		}
	}

	t.Run("allowed caller gets 200", func(t *testing.T) {
		r := call(t, "worker", "GET", "/v1/invoices/42")
		if r.ExitCode != 0 || r.Status != "200" || !strings.Contains(string(r.Body), "spiffe://example.org/worker") {
			t.Fatalf("curl exit %d, HTTP %s, body %s, stderr %s", r.ExitCode, r.Status, r.Body, r.Stderr)
		}
	})
	t.Run("denied caller gets 403 with reason and rule ID", func(t *testing.T) {
		expectDenial(t, call(t, "worker", "POST", "/v1/invoices"), "403", "matched_deny", []string{"worker-never-creates"})
	})
	t.Run("unlisted caller gets 403 default", func(t *testing.T) {
		expectDenial(t, call(t, "stranger", "GET", "/v1/invoices/42"), "403", "default", []string{})
	})
	t.Run("caller over its rate gets 429", func(t *testing.T) {
		for i := range 2 {
			if r := call(t, "api-gateway", "GET", "/v1/invoices/7"); r.Status != "200" {
				t.Fatalf("request %d within the burst: HTTP %s, body %s", i+1, r.Status, r.Body)
			}
		}
		r := call(t, "api-gateway", "GET", "/v1/invoices/7")
		expectDenial(t, r, "429", "rate_limited", []string{"gateway-read"})
		if !regexp.MustCompile(`(?im)^retry-after: \d+`).MatchString(r.Headers) {
			t.Fatalf("429 without Retry-After; headers:\n%s", r.Headers)
		}
	})
	t.Run("no client certificate is refused in the handshake", func(t *testing.T) {
		if r := call(t, "", "GET", "/v1/invoices/42"); r.ExitCode == 0 || r.Status != "000" {
			t.Fatalf("curl without a client certificate: exit %d, HTTP %s; want a TLS failure", r.ExitCode, r.Status)
		}
	})
	t.Run("certificate from another CA is refused in the handshake", func(t *testing.T) {
		if r := call(t, "forged-gateway", "GET", "/v1/invoices/42"); r.ExitCode == 0 || r.Status != "000" {
			t.Fatalf("curl with a certificate of another CA: exit %d, HTTP %s; want a TLS failure", r.ExitCode, r.Status)
		}
	})
	t.Run("tampered bundle keeps the last good one", func(t *testing.T) {
		signed, err := os.ReadFile(filepath.Join(dir, "bundle.json"))
		if err != nil {
			t.Fatal(err)
		}
		// Hand-edit the provider's file: let the stranger in.
		tampered := strings.Replace(string(signed), `{"service":"worker"}`, `{"service":"stranger"}`, 1)
		if tampered == string(signed) {
			t.Fatal("test bug: nothing tampered")
		}
		if err := os.WriteFile(filepath.Join(dir, "bundle.json"), []byte(tampered), 0o600); err != nil {
			t.Fatal(err)
		}
		mark := worker.Mark()
		worker.Signal(t, syscall.SIGHUP)
		if line := worker.WaitForLogSince(t, mark, "cap bundle reload failed"); !strings.Contains(line, "modified after it was signed") {
			t.Fatalf("refusal should say the bundle was modified: %s", line)
		}
		if r := call(t, "worker", "GET", "/v1/invoices/42"); r.Status != "200" {
			t.Fatalf("the worker must keep serving with the old bundle: HTTP %s, body %s", r.Status, r.Body)
		}
		expectDenial(t, call(t, "worker", "POST", "/v1/invoices"), "403", "matched_deny", []string{"worker-never-creates"})
	})
}
