// Package pkcs11 is the issuer backend of a crank_ca whose key lives on a
// PKCS#11 token (an HSM, a smart card, SoftHSM in tests). The key is
// generated on the token as sensitive and non-extractable, or found there by
// label, and every signature is made by the token: the handle carries only
// where the key is (module, token label, key label) and its public key
// fingerprint, never key bytes and never the PIN.
//
// PKCS#11 needs cgo (github.com/miekg/pkcs11 loads the module with dlopen).
// A build without cgo keeps this package and its handles, and every call
// that needs the token fails with ErrNotBuilt.
package pkcs11

import (
	"context"
	"crypto"
	"encoding/base64"
	"errors"
	"fmt"
	"os"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// Name is the backend's type name in handles.
const Name = "pkcs11"

// PINEnv is where resources that sign with a token-held CA key (and later
// runs) find the PIN: a write-only attribute of the CA is visible only to
// the CA itself, and only while it is being created or planned.
const PINEnv = "CRANK_PKCS11_PIN"

func init() { issuer.Register(Name, New) }

// Token locates a key on a token.
type Token struct {
	Module     string `json:"module"`
	TokenLabel string `json:"token_label"`
	KeyLabel   string `json:"key_label"`
}

// Options are the backend's handle options.
type Options struct {
	Token
	Cert           string   `json:"cert"`
	Parents        []string `json:"parents,omitempty"`
	KeyFingerprint string   `json:"key_fingerprint"`
}

// Failures a user can fix, each wrapped with the details.
var (
	ErrNotBuilt      = errors.New("this provider binary was built without PKCS#11 support (cgo disabled)")
	ErrModuleMissing = errors.New("PKCS#11 module not found")
	ErrModule        = errors.New("PKCS#11 module could not be loaded")
	ErrNoToken       = errors.New("no PKCS#11 token with that label")
	ErrNoPIN         = errors.New("no PIN for the PKCS#11 token")
	ErrWrongPIN      = errors.New("the PKCS#11 token refused the PIN")
	ErrNoKey         = errors.New("no key with that label on the PKCS#11 token")
	ErrWrongKey      = errors.New("the key on the PKCS#11 token is not this CA's key")
	ErrAmbiguous     = errors.New("more than one key with that label on the PKCS#11 token")
	ErrUnsupported   = errors.New("key algorithm not supported on PKCS#11 tokens by this provider")
)

func (t Token) check() error {
	switch {
	case t.Module == "":
		return fmt.Errorf("%w: module is empty; set it to the PKCS#11 library, for example /usr/lib/softhsm/libsofthsm2.so", ErrModuleMissing)
	case t.TokenLabel == "":
		return fmt.Errorf("%w: token_label is empty", ErrNoToken)
	case t.KeyLabel == "":
		return fmt.Errorf("%w: key_label is empty", ErrNoKey)
	}
	if _, err := os.Stat(t.Module); err != nil {
		return fmt.Errorf("%w: %s: %v. Install the HSM vendor's PKCS#11 library there, or correct module", ErrModuleMissing, t.Module, err)
	}
	return nil
}

// New builds the backend from its handle options; the token is opened on
// first signature, so plans that only read the chain never log in.
func New(_ context.Context, opts issuer.Options) (issuer.Backend, error) {
	var o Options
	if err := issuer.DecodeOptions(Name, opts.Raw, &o); err != nil {
		return nil, err
	}
	h := pki.Handle{Cert: o.Cert, Parents: o.Parents}
	cert, parents, err := h.Certificates()
	if err != nil {
		return nil, err
	}
	fp, err := pki.PublicKeyFingerprint(cert.PublicKey)
	if err != nil {
		return nil, err
	}
	if fp != o.KeyFingerprint {
		return nil, fmt.Errorf("%w: the handle's key fingerprint %s is not its certificate's %s", issuer.ErrBadHandle, o.KeyFingerprint, fp)
	}
	return &issuer.SignerCA{
		Name: Name, Cert: cert, Parents: parents,
		OpenKey: func(context.Context) (crypto.Signer, error) {
			return Find(o.Token, opts.Getenv(PINEnv), o.KeyFingerprint)
		},
	}, nil
}

// Encode writes the handle of a CA whose key is on tok.
func Encode(iss *pki.Issuer, tok Token) (string, error) {
	fp, err := pki.PublicKeyFingerprint(iss.Cert.PublicKey)
	if err != nil {
		return "", err
	}
	o := Options{Token: tok, Cert: base64.StdEncoding.EncodeToString(iss.Cert.Raw), KeyFingerprint: fp}
	for _, p := range iss.Parents {
		o.Parents = append(o.Parents, base64.StdEncoding.EncodeToString(p.Raw))
	}
	return issuer.Encode(Name, o)
}

// Find opens the key labelled tok.KeyLabel and checks it is the key with
// wantFingerprint (when set), so a relabelled or replaced key never signs.
func Find(tok Token, pin, wantFingerprint string) (crypto.Signer, error) {
	if err := tok.check(); err != nil {
		return nil, err
	}
	if pin == "" {
		return nil, fmt.Errorf("%w %q: set %s (or the CA's pkcs11_pin_wo when creating it)", ErrNoPIN, tok.TokenLabel, PINEnv)
	}
	s, err := findKey(tok, pin)
	if err != nil {
		return nil, err
	}
	if wantFingerprint != "" {
		got, err := pki.PublicKeyFingerprint(s.Public())
		if err != nil {
			return nil, err
		}
		if got != wantFingerprint {
			return nil, fmt.Errorf("%w: key %q on token %q is %s, the CA's is %s", ErrWrongKey, tok.KeyLabel, tok.TokenLabel, got, wantFingerprint)
		}
	}
	return s, nil
}

// FindOrGenerate returns the key labelled tok.KeyLabel, generating it on
// the token when there is none. created says which happened.
func FindOrGenerate(tok Token, pin string, alg pki.KeyAlgorithm) (s crypto.Signer, created bool, err error) {
	s, err = Find(tok, pin, "")
	if err == nil {
		got, aerr := pki.AlgorithmOf(s.Public())
		if aerr != nil || got != alg {
			return nil, false, fmt.Errorf("key %q on token %q is %s, but key_algorithm is %s: set key_algorithm to match it or use another key_label", tok.KeyLabel, tok.TokenLabel, got, alg)
		}
		return s, false, nil
	}
	if !errors.Is(err, ErrNoKey) {
		return nil, false, err
	}
	s, err = generateKey(tok, pin, alg)
	return s, err == nil, err
}

// Discard deletes a key pair this run generated and could not use, so a
// failed create leaves nothing on the token.
func Discard(s crypto.Signer) error {
	if d, ok := s.(interface{ Delete() error }); ok {
		return d.Delete()
	}
	return nil
}
