# Capability Access Policies: which service may call which operation.
# billing exposes invoice.read and invoice.create; api-gateway may call both
# (reads rate-limited), worker may only read, everyone else is denied.
# The plan analyses the policy and runs the tests below; examples/worker
# loads output.cap_bundles["billing"].

locals {
  billing_capabilities = {
    "invoice.read"   = { http_method = "GET", http_path = "/v1/invoices/{id}" }
    "invoice.create" = { http_method = "POST", http_path = "/v1/invoices" }
  }
}

resource "crank_capability" "billing" {
  for_each = local.billing_capabilities

  service     = "billing"
  name        = each.key
  http_method = each.value.http_method
  http_path   = each.value.http_path
}

# What each caller needs. In a larger platform these live in the callers'
# own modules and are handed to billing's policy as outputs.
resource "crank_cap_rule" "gateway_reads_invoices" {
  id           = "api-gateway-reads-invoices"
  service      = "billing"
  action       = "allow"
  callers      = [{ service = "api-gateway" }]
  capabilities = [crank_capability.billing["invoice.read"].name]
  rate_limit   = { rps = 5, burst = 5 }
}

resource "crank_cap_rule" "gateway_creates_invoices" {
  id           = "api-gateway-creates-invoices"
  service      = "billing"
  action       = "allow"
  callers      = [{ service = "api-gateway" }]
  capabilities = [crank_capability.billing["invoice.create"].name]
}

resource "crank_cap_rule" "worker_reads_invoices" {
  id           = "worker-reads-invoices"
  service      = "billing"
  action       = "allow"
  callers      = [{ service = "worker" }]
  capabilities = [crank_capability.billing["invoice.read"].name]
}

resource "crank_cap_policy" "billing" {
  service      = "billing"
  capabilities = [for c in crank_capability.billing : c.capability]
  rules = [
    crank_cap_rule.gateway_reads_invoices.rule,
    crank_cap_rule.gateway_creates_invoices.rule,
    crank_cap_rule.worker_reads_invoices.rule,
  ]
  # Everything not allowed above is denied (default_action defaults to deny).

  known_services = keys(local.services)
  issuer         = crank_ca.intermediate.issuer

  test {
    caller     = "api-gateway"
    capability = "invoice.read"
    expect     = "allow"
  }
  test {
    caller     = "api-gateway"
    capability = "invoice.create"
    expect     = "allow"
  }
  test {
    caller     = "worker"
    capability = "invoice.read"
    expect     = "allow"
  }
  test {
    caller     = "worker"
    capability = "invoice.create"
    expect     = "deny"
    reason     = "default"
  }
  test {
    caller     = "billing"
    capability = "invoice.read"
    expect     = "deny"
  }
  test {
    caller     = "spiffe://${var.trust_domain}/intruder"
    capability = "invoice.create"
    expect     = "deny"
  }
}

output "cap_bundles" {
  description = "Per destination service: the capability bundle JSON it loads (-bundle of examples/worker)."
  value       = { for policy in [crank_cap_policy.billing] : policy.service => policy.bundle_json }
}
