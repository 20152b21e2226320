# Rotating an intermediate CA with zero failed handshakes. Walk through the
# phases by changing var.phase; see the "CA rotation" guide for the why.
#
#   phase 1: intermediate_1 issues; clients trust the bundle (only it + root).
#   phase 2: intermediate_2 is added; the bundle now holds both, so clients
#            accept leaves of either. Apply and let the bundle reach every client.
#   phase 3: services switch to intermediate_2: their next plan re-issues them
#            (the AKI no longer matches the issuer's SKI).
#   phase 4: once no leaf of intermediate_1 is left, drop it from the bundle
#            and destroy it.
terraform {
  required_providers {
    crank = { source = "crank-platform/crank" }
  }
}

provider "crank" {
  trust_domain = "prod.example.org"
}

variable "phase" {
  type    = number
  default = 1
}

variable "services" {
  type    = set(string)
  default = ["api-gateway", "billing", "worker"]
}

resource "crank_ca" "root" {
  subject  = { common_name = "Example Root CA" }
  validity = "3650d"
}

resource "crank_ca" "intermediate_1" {
  count    = var.phase <= 3 ? 1 : 0
  parent   = crank_ca.root.issuer
  subject  = { common_name = "Example Services CA 1" }
  validity = "730d"
}

resource "crank_ca" "intermediate_2" {
  count    = var.phase >= 2 ? 1 : 0
  parent   = crank_ca.root.issuer
  subject  = { common_name = "Example Services CA 2" }
  validity = "730d"
}

locals {
  active_issuer = var.phase >= 3 ? crank_ca.intermediate_2[0].issuer : crank_ca.intermediate_1[0].issuer
}

resource "crank_certificate" "service" {
  for_each = var.services
  issuer   = local.active_issuer
  service  = each.key

  lifecycle {
    create_before_destroy = true
  }
}

data "crank_trust_bundle" "clients" {
  certificates_pem = concat(
    crank_ca.intermediate_1[*].cert_pem,
    crank_ca.intermediate_2[*].cert_pem,
    [crank_ca.root.cert_pem],
  )
}

output "client_ca_bundle_pem" {
  description = "What every client trusts; distribute it before phase 3."
  value       = data.crank_trust_bundle.clients.bundle_pem
}

output "bundle" {
  value = [for c in data.crank_trust_bundle.clients.certificates : "${c.subject} until ${c.not_after}"]
}
