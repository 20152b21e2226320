# billing's policy: its capabilities, the rules callers' modules offer,
# default deny, and tests that fail the plan when the rules disagree.
resource "crank_cap_policy" "billing" {
  service      = "billing"
  trust_domain = "prod.example.org" # defaults to the provider's trust_domain

  capabilities = [
    crank_capability.invoice_read.capability,
    crank_capability.invoice_create.capability,
  ]
  rules = [
    crank_cap_rule.gateway_reads_invoices.rule,
    crank_cap_rule.jobs_read.rule,
    crank_cap_rule.no_legacy_exporter.rule,
  ]

  # Optional: accept only reviewed rule IDs; an offered rule not listed is
  # left out with a warning, a listed ID nobody offers is an error.
  rule_ids = [
    "api-gateway-reads-invoices",
    "jobs-read-invoices",
    "no-legacy-exporter",
  ]

  # Optional: caller service names must exist, and the trust domain must be
  # one the services' CA can issue.
  known_services = ["api-gateway", "billing"]
  issuer         = crank_ca.services.issuer

  # Services enforce only bundles signed by a policy key they trust. The
  # key stays in its file (never in state); make it with
  #   openssl genpkey -algorithm ed25519 -out policy-signing.pem && chmod 600 policy-signing.pem
  signing_key_file = "${path.module}/policy-signing.pem"

  test {
    caller     = "api-gateway"
    capability = "invoice.read"
    expect     = "allow"
  }
  test {
    caller     = "spiffe://prod.example.org/jobs/legacy-export"
    capability = "invoice.read"
    expect     = "deny"
    reason     = "matched_deny"
  }
  test {
    caller     = "api-gateway"
    capability = "invoice.create"
    expect     = "deny"
    reason     = "default"
  }
}

# What services load: the signed bundle as the bundle file, and the public
# key as the trusted key file (worker -bundle and -policy-keys), e.g. with
# local_file. While rotating the signing key, the trusted file lists the
# old and the new public key.
output "billing_signed_bundle" {
  value = crank_cap_policy.billing.signed_bundle_json
}
output "billing_policy_public_key" {
  value = crank_cap_policy.billing.signing_public_key
}

# Fail the run on any analysis warning.
check "billing_policy_clean" {
  assert {
    condition     = length(crank_cap_policy.billing.warnings) == 0
    error_message = join("\n", [for w in crank_cap_policy.billing.warnings : "${w.code}: ${w.message}"])
  }
}
