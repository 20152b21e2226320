package issuer

// DestroyRevoker is the optional ability of a backend whose handle opted its
// certificates into revocation by the CA when they are destroyed.
type DestroyRevoker interface {
	RevokeOnDestroy() bool
}

// CSRSigner is the optional ability of a backend that signs only
// certificate signing requests, so a certificate for a bare public key
// (no private key here to sign a CSR) can be refused at plan time.
type CSRSigner interface {
	NeedsCSR() bool
}
