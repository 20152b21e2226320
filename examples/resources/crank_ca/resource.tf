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

# A CA whose key never enters state: an encrypted PKCS#8 file (mode 0600).
# Export CRANK_KEY_PASSPHRASE wherever plan and apply run: certificates and
# child CAs signed by it decrypt the key with it.
resource "crank_ca" "payments" {
  parent      = crank_ca.root.issuer
  subject     = { common_name = "Example Payments CA" }
  key_storage = "file"
  key_file    = "${path.root}/keys/payments-ca-1.key"

  # Optional: encrypt with a write-only value instead of the environment
  # (it must then equal CRANK_KEY_PASSPHRASE, which signing resources use).
  # key_passphrase_wo = ephemeral.vault_kv_secret_v2.pki.data["passphrase"]
}
