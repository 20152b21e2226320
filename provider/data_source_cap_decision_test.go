package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// The data source runs on every CLI, including Terraform 1.5 without
// functions. The refused bundle comes first so destroy runs a valid config.
func TestAccCapDecisionDataSource(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "crank_cap_decision" "bad" {
  bundle_json      = "{\"schema\":\"crank.cap.bundle/v1\",\"service\":\"billing\",\"surprise\":1}"
  caller_spiffe_id = "spiffe://example.org/worker"
  capability       = "invoice.read"
}
`,
				ExpectError: capErrorPattern("Invalid capability bundle", `unknown field "surprise"`),
			},
			{
				Config: capConfig(capDryRunDeny, capDefaultRules+", crank_cap_rule.freeze_reads.rule", "") + `
data "crank_cap_decision" "worker_read" {
  bundle_json      = crank_cap_policy.billing.bundle_json
  caller_spiffe_id = "spiffe://example.org/worker"
  capability       = "invoice.read"
}
data "crank_cap_decision" "unknown" {
  bundle_json      = crank_cap_policy.billing.bundle_json
  caller_spiffe_id = "spiffe://example.org/worker"
  capability       = "invoice.delete"
}
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.crank_cap_decision.worker_read", "decision", "allow"),
					resource.TestCheckResourceAttr("data.crank_cap_decision.worker_read", "reason", "matched_allow"),
					resource.TestCheckResourceAttr("data.crank_cap_decision.worker_read", "rule_ids.#", "1"),
					resource.TestCheckResourceAttr("data.crank_cap_decision.worker_read", "rule_ids.0", "worker-read"),
					resource.TestCheckResourceAttr("data.crank_cap_decision.worker_read", "shadow.decision", "deny"),
					resource.TestCheckResourceAttr("data.crank_cap_decision.worker_read", "shadow.reason", "matched_deny"),
					resource.TestCheckResourceAttr("data.crank_cap_decision.worker_read", "shadow.rule_ids.0", "freeze-reads"),
					resource.TestCheckResourceAttr("data.crank_cap_decision.worker_read", "caller", "spiffe://example.org/worker"),
					resource.TestCheckResourceAttr("data.crank_cap_decision.worker_read", "enforcement", "enforce"),
					resource.TestCheckResourceAttrPair("data.crank_cap_decision.worker_read", "bundle_digest", "crank_cap_policy.billing", "bundle_digest"),
					resource.TestCheckResourceAttr("data.crank_cap_decision.unknown", "decision", "deny"),
					resource.TestCheckResourceAttr("data.crank_cap_decision.unknown", "reason", "unknown_capability"),
				),
			},
		},
	})
}
