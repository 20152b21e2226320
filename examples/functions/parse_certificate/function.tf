output "billing_expires" {
  value = provider::crank::parse_certificate(crank_certificate.billing.cert_pem).not_after
}
