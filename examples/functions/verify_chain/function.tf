check "billing_chains_to_root" {
  assert {
    condition = provider::crank::verify_chain(
      crank_certificate.billing.cert_pem,
      crank_ca.services.cert_pem,
      crank_ca.root.cert_pem,
    ).valid
    error_message = "billing does not verify against the root CA"
  }
}
