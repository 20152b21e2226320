# A file-backed CA: its encrypted key file, whose certificate record names the
# CA (export CRANK_KEY_PASSPHRASE first). Key files written by hand or by an
# older crank record no certificate: name it as well, the CA certificate
# followed by its parents, root last.
terraform import crank_ca.payments 'key_file=keys/payments-ca-1.key'
terraform import crank_ca.payments 'key_file=keys/payments-ca-1.key,cert_pem=payments-ca-chain.pem'

# A CA whose key is kept in state (key_storage = "state"): its certificate
# chain and its unencrypted PEM private key.
terraform import crank_ca.root 'cert_pem=root-ca.pem,key_pem=root-ca.key'

# A CA that sets crl_distribution_points, ocsp_servers or
# issuing_certificate_urls: those live in what it signs, not in its own
# certificate, so name one certificate it signed and they are read back from
# it (otherwise the first plan would replace the CA to write them).
terraform import crank_ca.root 'cert_pem=root-ca.pem,key_pem=root-ca.key,issued_pem=billing.pem'
