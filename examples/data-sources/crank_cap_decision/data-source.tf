# The decision record cap_decide returns, for CLIs without provider functions.
data "crank_cap_decision" "gateway_reads" {
  bundle_json      = crank_cap_policy.billing.bundle_json
  caller_spiffe_id = "spiffe://prod.example.org/api-gateway"
  capability       = "invoice.read"
}

output "gateway_reads" {
  # e.g. "allow matched_allow [api-gateway-reads-invoices]"
  value = "${data.crank_cap_decision.gateway_reads.decision} ${data.crank_cap_decision.gateway_reads.reason} ${jsonencode(data.crank_cap_decision.gateway_reads.rule_ids)}"
}
