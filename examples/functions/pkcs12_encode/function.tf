# A keystore for a Java or .NET service (base64; decode where bytes are needed).
output "billing_p12_base64" {
  value = provider::crank::pkcs12_encode(
    crank_certificate.billing.cert_pem,
    crank_certificate.billing.private_key_pem,
    crank_certificate.billing.chain_pem,
    var.keystore_password,
  )
  sensitive = true
}
