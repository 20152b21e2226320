package provider

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// What a plan checks for a CA that does not sign here (Vault): that a
// supplied key is one it can sign as supplied, and the backend's key checks
// on a key of the planned algorithm.

// plannedKeys holds one throwaway public key per algorithm, made on first
// use, so a backend's key checks (a Vault role's key_type and key_bits) run
// at plan time on a key of the algorithm the apply will generate.
var plannedKeys sync.Map

func plannedKey(alg pki.KeyAlgorithm) (crypto.PublicKey, error) {
	if k, ok := plannedKeys.Load(alg); ok {
		return k.(crypto.PublicKey), nil
	}
	key, err := pki.GenerateKey(alg)
	if err != nil {
		return nil, err
	}
	k, _ := plannedKeys.LoadOrStore(alg, key.Public())
	return k.(crypto.PublicKey), nil
}

// csrChecker is a backend's check of a key the user supplied (a CSR, or
// none for a bare public key) against the certificate it is for.
type csrChecker interface {
	CheckCSR(*x509.CertificateRequest, pki.LeafRequest) error
}

// checkRemoteRequest runs the checks a backend that signs elsewhere needs at
// plan time: a supplied key must be one it can sign as supplied, and its own
// request checks see the key the certificate will have.
func checkRemoteRequest(handle string, lr pki.LeafRequest, alg pki.KeyAlgorithm, csr *x509.CertificateRequest, keyAttr string) diag.Diagnostics {
	var diags diag.Diagnostics
	name, b, err := resolveBackend(handle)
	if err != nil {
		return diags
	}
	if cc, ok := b.(csrChecker); ok && lr.PublicKey != nil {
		if err := cc.CheckCSR(csr, lr); err != nil {
			diags.AddAttributeError(path.Root(keyAttr), "The issuer cannot sign this key as supplied", fmt.Sprintf("The %q issuer backend: %v.", name, err))
		}
		return diags
	}
	if _, ok := b.(issuer.RequestChecker); ok && lr.PublicKey == nil {
		if lr.PublicKey, err = plannedKey(alg); err != nil {
			return diags
		}
		if err := issuer.CheckRequest(name, b, lr); err != nil {
			diags.Append(issueDiag(err))
		}
	}
	return diags
}
