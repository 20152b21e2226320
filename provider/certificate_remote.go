package provider

import (
	"crypto"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

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

// checkRemoteRequest runs a backend's own request checks at plan time on a
// key of the planned algorithm, so they see the key the certificate will
// have. (A supplied key is checked by checkSuppliedRequest.)
func checkRemoteRequest(handle string, lr pki.LeafRequest, alg pki.KeyAlgorithm) diag.Diagnostics {
	var diags diag.Diagnostics
	name, b, err := resolveBackend(handle)
	if err != nil {
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
