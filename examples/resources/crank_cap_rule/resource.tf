# Declared in the api-gateway's own module: what the gateway needs from billing.
resource "crank_cap_rule" "gateway_reads_invoices" {
  id           = "api-gateway-reads-invoices"
  service      = "billing"
  action       = "allow"
  callers      = [{ service = "api-gateway" }]
  capabilities = ["invoice.read"]

  # Per caller SPIFFE ID; a caller over it gets HTTP 429 naming this rule.
  rate_limit = { rps = 50, burst = 100 }
}

# Every nightly job may read, except the legacy exporter (deny wins).
resource "crank_cap_rule" "jobs_read" {
  id           = "jobs-read-invoices"
  service      = "billing"
  action       = "allow"
  callers      = [{ spiffe_prefix = "spiffe://prod.example.org/jobs" }]
  capabilities = ["invoice.read"]
}

resource "crank_cap_rule" "no_legacy_exporter" {
  id           = "no-legacy-exporter"
  service      = "billing"
  action       = "deny"
  callers      = [{ spiffe_id = "spiffe://prod.example.org/jobs/legacy-export" }]
  capabilities = ["*"]
}

# Watch a future deny in decision logs (the shadow decision) before enforcing it.
resource "crank_cap_rule" "freeze_creates" {
  id           = "freeze-invoice-creation"
  service      = "billing"
  action       = "deny"
  mode         = "dry_run"
  callers      = [{ trust_domain = "prod.example.org" }]
  capabilities = ["invoice.create"]
}
