# "spiffe://prod.example.org/payments/billing"
output "billing_id" {
  value = provider::crank::spiffe_id("prod.example.org", "payments/billing")
}
