package provider

import (
	"crypto"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// What a plan checks for a CA that does not sign here (Vault): that a CSR
// can be made, and the backend's key checks on a key of the planned
// algorithm.

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

// checkRemoteRequest runs the checks a backend that signs elsewhere needs at
// plan time: a CSR must be possible, and its own request checks see the
// key the certificate will have.
func checkRemoteRequest(handle string, lr pki.LeafRequest, alg pki.KeyAlgorithm, haveCSR bool) diag.Diagnostics {
	var diags diag.Diagnostics
	name, b, err := resolveBackend(handle)
	if err != nil {
		return diags
	}
	if cs, ok := b.(issuer.CSRSigner); ok && cs.NeedsCSR() && lr.PublicKey != nil && !haveCSR {
		diags.AddAttributeError(path.Root("public_key_pem"), "Issuer backend signs only CSRs",
			fmt.Sprintf("The %q issuer backend signs certificate signing requests only, and a bare public key (public_key_pem or public_key_pem_wo) cannot make one. Let crank_certificate generate the key, or give csr_pem.", name))
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
