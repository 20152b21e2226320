# The same answer billing will give at run time, checked on every plan.
check "worker_cannot_create_invoices" {
  assert {
    condition = provider::crank::cap_decide(
      crank_cap_policy.billing.bundle_json,
      "spiffe://prod.example.org/worker",
      "invoice.create",
    ).decision == "deny"
    error_message = "worker must not be able to create invoices"
  }
}

# {decision, reason, rule_ids, shadow = {decision, reason, rule_ids},
#  caller, capability, service, enforcement, bundle_digest}
output "gateway_read_decision" {
  value = provider::crank::cap_decide(
    crank_cap_policy.billing.bundle_json,
    "spiffe://prod.example.org/api-gateway",
    "invoice.read",
  )
}
