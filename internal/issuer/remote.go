package issuer

// CSRSigner is the optional ability of a backend that signs only
// certificate signing requests, so a certificate for a bare public key
// (no private key here to sign a CSR) can be refused at plan time.
type CSRSigner interface {
	NeedsCSR() bool
}
