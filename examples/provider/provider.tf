terraform {
  required_providers {
    crank = {
      source = "crank-platform/crank"
    }
  }
}

provider "crank" {
  # Every crank_certificate without its own trust_domain gets
  # spiffe://prod.example.org/<service>.
  trust_domain = "prod.example.org"

  # Plans start warning this long before a certificate is due for renewal.
  renewal_warning = "7d"
}
