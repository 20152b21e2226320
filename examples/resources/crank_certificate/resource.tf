# A service identity with a provider-generated key:
# spiffe://prod.example.org/billing, usable as TLS server and client.
resource "crank_certificate" "billing" {
  issuer    = crank_ca.services.issuer
  service   = "billing"
  dns_names = ["billing.svc.example.internal"]
  validity  = "90d"
  # renew_before defaults to a third of the validity (30d here).

  # The replacement is issued before the old certificate is destroyed.
  lifecycle {
    create_before_destroy = true
  }
}

# A client-only identity whose key never reaches Terraform: certify a public
# key (or a CSR with csr_pem) generated where the service runs.
resource "crank_certificate" "reporting" {
  issuer         = crank_ca.services.issuer
  service        = "reporting"
  usages         = ["client"]
  public_key_pem = file("${path.module}/reporting.pub.pem")

  lifecycle {
    create_before_destroy = true
  }
}

# Serve chain_pem (leaf + intermediates) with private_key_pem, and trust
# ca_bundle_pem (the root) for peers.
output "billing_chain" {
  value = crank_certificate.billing.chain_pem
}
