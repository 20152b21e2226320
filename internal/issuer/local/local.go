// Package local is the issuer backend of a crank_ca whose key is in state or
// in an encrypted key file. Its handle is the original version 1 layout.
package local

import (
	"context"
	"crypto"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// Name is the backend's type name in handles.
const Name = pki.BackendLocal

func init() { issuer.Register(Name, New) }

// New builds the backend from a version 1 handle. A file-backed key is
// decrypted with CRANK_KEY_PASSPHRASE: the CA's write-only passphrase exists
// only in the CA's own configuration, never for the resources it signs.
func New(_ context.Context, opts issuer.Options) (issuer.Backend, error) {
	h, err := pki.DecodeHandle(string(opts.Raw))
	if err != nil {
		return nil, err
	}
	cert, parents, err := h.Certificates()
	if err != nil {
		return nil, err
	}
	return &issuer.SignerCA{
		Name: Name, Cert: cert, Parents: parents,
		OpenKey: func(context.Context) (crypto.Signer, error) {
			iss, err := h.LocalIssuer(opts.Getenv(pki.KeyPassphraseEnv))
			if err != nil {
				return nil, err
			}
			return iss.Key, nil
		},
	}, nil
}
