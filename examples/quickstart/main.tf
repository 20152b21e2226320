# Quickstart: a root CA, an intermediate limited to the platform's names, and
# one SPIFFE identity per service. `make demo` applies this with the
# freshly built provider and verifies the result with openssl.
terraform {
  required_providers {
    crank = {
      source = "crank-platform/crank"
    }
  }
}

provider "crank" {
  trust_domain = var.trust_domain
}

variable "trust_domain" {
  description = "SPIFFE trust domain of the platform."
  type        = string
  default     = "crank.internal"
}

resource "crank_ca" "root" {
  subject = {
    common_name  = "Crank Quickstart Root CA"
    organization = "Crank"
  }
  key_algorithm = "ECDSA_P384"
  validity      = "3650d"
}

resource "crank_ca" "intermediate" {
  parent          = crank_ca.root.issuer
  subject         = { common_name = "Crank Quickstart Services CA" }
  validity        = "1095d"
  max_path_length = 0

  # Whatever this CA signs stays inside the platform's names.
  name_constraints = {
    permitted_uri_domains = [var.trust_domain]
    permitted_dns_domains = ["svc.cluster.local"]
    permitted_ip_ranges   = ["127.0.0.0/8", "10.0.0.0/8"]
  }
}

locals {
  services = {
    "api-gateway" = { usages = ["server", "client"] }
    "billing"     = { usages = ["server", "client"] }
    "worker"      = { usages = ["client"] }
  }
}

resource "crank_certificate" "service" {
  for_each = local.services

  issuer       = crank_ca.intermediate.issuer
  service      = each.key
  usages       = each.value.usages
  dns_names    = ["${each.key}.svc.cluster.local"]
  ip_addresses = ["127.0.0.1"]
  validity     = "90d"

  lifecycle {
    create_before_destroy = true
  }
}

output "root_ca_cert_pem" {
  description = "Trust anchor every service trusts."
  value       = crank_ca.root.cert_pem
}

output "intermediate_ca_cert_pem" {
  description = "The CA that signs the service certificates."
  value       = crank_ca.intermediate.cert_pem
}

output "services" {
  description = "Per service: certificate, chain (leaf + intermediate), private key and SPIFFE ID."
  sensitive   = true
  value = {
    for name, cert in crank_certificate.service : name => {
      cert_pem        = cert.cert_pem
      chain_pem       = cert.chain_pem
      private_key_pem = cert.private_key_pem
      spiffe_id       = cert.spiffe_id
    }
  }
}
