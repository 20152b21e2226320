# A self-signed root. Keep it long-lived; it only signs intermediates.
resource "crank_ca" "root" {
  subject = {
    common_name  = "Example Root CA"
    organization = "Example"
    country      = "NL"
  }
  key_algorithm = "ECDSA_P384"
  validity      = "87600h" # 10 years
}

# An intermediate signed by the root, limited to the names it may issue.
resource "crank_ca" "services" {
  parent   = crank_ca.root.issuer
  subject  = { common_name = "Example Services CA" }
  validity = "26280h" # 3 years, inside the root's validity

  # 0: it signs service certificates only, never another CA.
  max_path_length = 0

  name_constraints = {
    permitted_dns_domains = ["svc.example.internal"]
    permitted_uri_domains = ["prod.example.org"] # the SPIFFE trust domain
    permitted_ip_ranges   = ["10.0.0.0/8"]
  }

  crl_distribution_points  = ["http://pki.example.org/services.crl"]
  issuing_certificate_urls = ["http://pki.example.org/services.crt"]
}
