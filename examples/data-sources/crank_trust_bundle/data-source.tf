# During an intermediate rotation, clients trust both intermediates and the root.
data "crank_trust_bundle" "overlap" {
  certificates_pem = [
    crank_ca.intermediate_1.cert_pem,
    crank_ca.intermediate_2.cert_pem,
    crank_ca.root.cert_pem,
  ]
}

output "ca_bundle_pem" {
  value = data.crank_trust_bundle.overlap.bundle_pem
}

output "overlap_ends" {
  value = data.crank_trust_bundle.overlap.earliest_not_after
}
