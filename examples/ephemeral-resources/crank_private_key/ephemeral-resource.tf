# A service key that never reaches plan or state: certified through the
# write-only public_key_pem_wo, delivered through a write-only secret argument.
# Both are keyed on the certificate's issuance, so a new key is generated,
# certified and delivered together in the same apply on creation, renewal
# and issuer change, and left alone on every other run.
ephemeral "crank_private_key" "billing" {
  key_algorithm = "ECDSA_P256"
}

resource "crank_certificate" "billing" {
  issuer            = crank_ca.intermediate.issuer
  service           = "billing"
  public_key_pem_wo = ephemeral.crank_private_key.billing.public_key_pem

  lifecycle {
    create_before_destroy = true
  }
}

# Any resource with a write-only argument can be the consumer; here AWS
# Secrets Manager (hashicorp/aws >= 5.90).
resource "aws_secretsmanager_secret_version" "billing_tls" {
  secret_id        = aws_secretsmanager_secret.billing_tls.id
  secret_string_wo = ephemeral.crank_private_key.billing.private_key_pem
  # Changes exactly when the certificate is (re-)issued.
  secret_string_wo_version = parseint(formatdate("YYYYMMDDhhmmss", crank_certificate.billing.not_before), 10)
}
