package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// capDecideOutputs decides three requests against the plan-time bundle; the
// deny rule makes the answers differ in reason and rule IDs.
const capDecideOutputs = `
output "gateway_create" {
  value = provider::crank::cap_decide(crank_cap_policy.billing.bundle_json, "spiffe://example.org/api-gateway", "invoice.create")
}
output "worker_create" {
  value = provider::crank::cap_decide(crank_cap_policy.billing.bundle_json, "spiffe://example.org/worker", "invoice.create")
}
output "worker_read_shadow" {
  value = provider::crank::cap_decide(crank_cap_policy.billing.bundle_json, "spiffe://example.org/worker", "invoice.read").shadow
}
output "no_identity" {
  value = provider::crank::cap_decide(crank_cap_policy.billing.bundle_json, "not-a-spiffe-id", "invoice.read")
}
check "worker_cannot_create" {
  assert {
    condition     = provider::crank::cap_decide(crank_cap_policy.billing.bundle_json, "spiffe://example.org/worker", "invoice.create").decision == "deny"
    error_message = "worker must not create invoices"
  }
}
`

const capDryRunDeny = `
resource "crank_cap_rule" "freeze_reads" {
  id           = "freeze-reads"
  service      = "billing"
  action       = "deny"
  mode         = "dry_run"
  callers      = [{ service = "worker" }]
  capabilities = ["invoice.read"]
}
`

func TestAccCapDecide_function(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				Config:      `output "x" { value = provider::crank::cap_decide("{\"schema\":\"crank.cap.bundle/v2\"}", "spiffe://example.org/a", "b") }`,
				ExpectError: capErrorPattern("bundle_json:", `capability bundle schema "crank.cap.bundle/v2" is not supported`),
			},
			{
				Config: capConfig(capDryRunDeny, capDefaultRules+", crank_cap_rule.freeze_reads.rule", "") + capDecideOutputs,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkOutputAttr("gateway_create", "decision", "allow"),
					checkOutputAttr("gateway_create", "reason", "matched_allow"),
					checkOutputAttr("gateway_create", "rule_ids", "[gateway]"),
					checkOutputAttr("gateway_create", "caller", "spiffe://example.org/api-gateway"),
					checkOutputAttr("gateway_create", "capability", "invoice.create"),
					checkOutputAttr("gateway_create", "service", "billing"),
					checkOutputAttr("worker_create", "decision", "deny"),
					checkOutputAttr("worker_create", "reason", "default"),
					checkOutputAttr("worker_create", "rule_ids", "[]"),
					checkOutputAttr("worker_read_shadow", "decision", "deny"),
					checkOutputAttr("worker_read_shadow", "reason", "matched_deny"),
					checkOutputAttr("worker_read_shadow", "rule_ids", "[freeze-reads]"),
					checkOutputAttr("no_identity", "reason", "no_identity"),
					func(s *terraform.State) error {
						digest, err := stateAttr(s, "crank_cap_policy.billing", "bundle_digest")
						if err != nil {
							return err
						}
						return checkOutputAttr("gateway_create", "bundle_digest", digest)(s)
					},
				),
			},
		},
	})
}
