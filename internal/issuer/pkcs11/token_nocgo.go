//go:build !cgo

package pkcs11

import (
	"crypto"
	"fmt"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// Built reports whether this binary can talk to PKCS#11 tokens.
const Built = false

var errNotBuilt = fmt.Errorf("%w: key_storage = \"pkcs11\" needs a provider built with CGO_ENABLED=1 (see the PKCS#11 guide)", ErrNotBuilt)

func findKey(Token, string) (crypto.Signer, error) { return nil, errNotBuilt }

func generateKey(Token, string, pki.KeyAlgorithm) (crypto.Signer, error) {
	return nil, errNotBuilt
}
