# Inspect any certificate, and check that it chains to a bundle.
data "crank_certificate" "partner" {
  pem           = file("${path.module}/partner.pem")
  ca_bundle_pem = crank_ca.root.cert_pem
}

output "partner_identity" {
  value = {
    spiffe_id = data.crank_certificate.partner.spiffe_id
    not_after = data.crank_certificate.partner.not_after
    trusted   = data.crank_certificate.partner.verified
    why       = data.crank_certificate.partner.verify_reason
  }
}
