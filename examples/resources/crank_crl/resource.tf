# The CRL of the services intermediate. It is signed again by the first plan
# in the last third of its lifetime (day 5 of 7 here), so apply at least
# every couple of days, for example from a scheduled pipeline.
resource "crank_crl" "services" {
  issuer      = crank_ca.services.issuer
  next_update = "7d"

  # Explicit revocations: by serial (as crank_certificate.serial prints it,
  # plain hex or decimal) or by the certificate itself, which is checked to
  # be one of this issuer's.
  revoked = [
    {
      serial     = "4F:1A:9C:22:07:B3:5E:61:0D:8A:44:C9:12:7E:3B:90:AA:05:6D:E1"
      reason     = "keyCompromise"
      revoked_at = "2025-06-01T12:00:00Z"
    },
    {
      # Any certificate of this issuer, also one read from a file with
      # file("${path.module}/retired.pem").
      certificate_pem = crank_certificate.reporting.cert_pem
      reason          = "cessationOfOperation"
    },
  ]

  # Revoke on destroy: when a listed certificate is destroyed, or replaced on
  # renewal, the next plan lists it (superseded or cessationOfOperation)
  # until it would have expired.
  tracked_certificates = [
    crank_certificate.billing.cert_pem,
    crank_certificate.ledger.cert_pem,
  ]
}

# Publish the CRL at the URL the CA names in crl_distribution_points:
# crl_der_base64 decoded is what HTTP clients expect (application/pkix-crl),
# crl_pem is what openssl -CRLfile and most servers' ssl_crl settings read.
output "services_crl_pem" {
  value = crank_crl.services.crl_pem
}
