# An issued certificate, PEM, optionally followed by its chain. Its private
# key is never imported: it stays with the service, private_key_pem is null,
# and the next renewal generates a new key (or certifies public_key_pem /
# csr_pem when set). issuer is recorded in place by the first apply.
terraform import crank_certificate.billing 'cert_pem=billing.pem'
