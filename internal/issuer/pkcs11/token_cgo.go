//go:build cgo

package pkcs11

import (
	"crypto"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/ThalesGroup/crypto11"
	"github.com/miekg/pkcs11"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// Built reports whether this binary can talk to PKCS#11 tokens.
const Built = true

// One logged-in context per module and token for the life of the process:
// logging in for every certificate of a large plan would be slow, and some
// tokens limit concurrent logins. The provider process ends after each
// Terraform command, which closes them.
//
// PKCS#11 login state belongs to the application, not the session: once
// logged in, a second C_Login answers CKR_USER_ALREADY_LOGGED_IN without
// looking at the PIN. So a later request must bring the same PIN as the one
// that logged in, or it is refused here; it is never let through.
type loggedIn struct {
	ctx *crypto11.Context
	pin [32]byte
}

var (
	ctxMu    sync.Mutex
	contexts = map[string]loggedIn{}
)

func tokenContext(tok Token, pin string) (*crypto11.Context, error) {
	key := tok.Module + "\x00" + tok.TokenLabel
	pinHash := sha256.Sum256([]byte(pin))
	ctxMu.Lock()
	defer ctxMu.Unlock()
	if c, ok := contexts[key]; ok {
		if subtle.ConstantTimeCompare(c.pin[:], pinHash[:]) != 1 {
			return nil, fmt.Errorf("%w of token %q: it differs from the PIN this run already logged in with. Use one PIN (%s) for every resource of the token", ErrWrongPIN, tok.TokenLabel, PINEnv)
		}
		return c.ctx, nil
	}
	c, err := crypto11.Configure(&crypto11.Config{Path: tok.Module, TokenLabel: tok.TokenLabel, Pin: pin})
	if err != nil {
		return nil, classify(tok, err)
	}
	contexts[key] = loggedIn{ctx: c, pin: pinHash}
	return c, nil
}

// classify turns crypto11's and the module's errors into ones a user can act on.
func classify(tok Token, err error) error {
	var pe pkcs11.Error
	if errors.As(err, &pe) {
		switch pe {
		case pkcs11.CKR_PIN_INCORRECT, pkcs11.CKR_PIN_INVALID, pkcs11.CKR_PIN_LEN_RANGE:
			return fmt.Errorf("%w of token %q (%v). Check %s", ErrWrongPIN, tok.TokenLabel, err, PINEnv)
		case pkcs11.CKR_PIN_LOCKED:
			return fmt.Errorf("%w of token %q: the PIN is locked after too many wrong attempts; the security officer must unlock it", ErrWrongPIN, tok.TokenLabel)
		}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "could not find PKCS#11 token"):
		return fmt.Errorf("%w %q in module %s. List the tokens with `pkcs11-tool --module %s --list-slots`", ErrNoToken, tok.TokenLabel, tok.Module, tok.Module)
	case strings.Contains(msg, "failed to open module"), strings.Contains(msg, "failed to initialize module"):
		return fmt.Errorf("%w: %s: %v. Check that it is the PKCS#11 library of your HSM and that its configuration (for SoftHSM2, SOFTHSM2_CONF) is readable", ErrModule, tok.Module, err)
	}
	return fmt.Errorf("PKCS#11 token %q: %w", tok.TokenLabel, err)
}

func findKey(tok Token, pin string) (crypto.Signer, error) {
	c, err := tokenContext(tok, pin)
	if err != nil {
		return nil, err
	}
	keys, err := c.FindKeyPairs(nil, []byte(tok.KeyLabel))
	if err != nil {
		return nil, classify(tok, err)
	}
	switch len(keys) {
	case 0:
		return nil, fmt.Errorf("%w: no key pair labelled %q on token %q. Let crank_ca create it (a new CA with this key_label generates it), or correct key_label", ErrNoKey, tok.KeyLabel, tok.TokenLabel)
	case 1:
		return keys[0], nil
	}
	return nil, fmt.Errorf("%w: %d key pairs are labelled %q on token %q; give the CA key a label of its own", ErrAmbiguous, len(keys), tok.KeyLabel, tok.TokenLabel)
}

func generateKey(tok Token, pin string, alg pki.KeyAlgorithm) (crypto.Signer, error) {
	c, err := tokenContext(tok, pin)
	if err != nil {
		return nil, err
	}
	// CKA_ID links the private and public halves; crypto11 needs one.
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	label := []byte(tok.KeyLabel)
	var s crypto.Signer
	switch alg {
	case pki.ECDSAP256:
		s, err = c.GenerateECDSAKeyPairWithLabel(id, label, elliptic.P256())
	case pki.ECDSAP384:
		s, err = c.GenerateECDSAKeyPairWithLabel(id, label, elliptic.P384())
	case pki.RSA2048:
		s, err = c.GenerateRSAKeyPairWithLabel(id, label, 2048)
	case pki.RSA3072:
		s, err = c.GenerateRSAKeyPairWithLabel(id, label, 3072)
	case pki.RSA4096:
		s, err = c.GenerateRSAKeyPairWithLabel(id, label, 4096)
	default:
		return nil, fmt.Errorf("%w: %s; use ECDSA_P256, ECDSA_P384, RSA_2048, RSA_3072 or RSA_4096", ErrUnsupported, alg)
	}
	if err != nil {
		return nil, classify(tok, err)
	}
	return s, nil
}
