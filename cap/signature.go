package cap

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// SignedBundleSchema identifies the signed envelope a service loads: the
// canonical bundle, byte for byte as the provider wrote it, and Ed25519
// signatures over it by policy signing keys.
//
//	{"schema":"crank.cap.signed-bundle/v1",
//	 "signatures":[{"key_id":"ed25519:<32 hex>","signature":"<base64>"}],
//	 "bundle":{...canonical crank.cap.bundle/v1...}}
//
// Ed25519 signatures are deterministic, so the same policy and key always
// give the same file and a plan that did not change the policy stays empty.
const SignedBundleSchema = signedSchemaPrefix + "v1"

const signedSchemaPrefix = "crank.cap.signed-bundle/"

// signatureContext is prefixed to the signed bytes so a policy signature can
// never be replayed as a signature of some other protocol's message.
const signatureContext = SignedBundleSchema + "\x00"

// BundleSignature is one signature in a signed bundle.
type BundleSignature struct {
	KeyID     string `json:"key_id"`
	Signature string `json:"signature"`
}

type signedBundleWire struct {
	Schema     string            `json:"schema"`
	Signatures []BundleSignature `json:"signatures"`
	Bundle     json.RawMessage   `json:"bundle"`
}

// PolicyKeyID names an Ed25519 policy key: "ed25519:" and the first 16
// bytes of the SHA-256 of the raw public key, in hex.
func PolicyKeyID(public ed25519.PublicKey) string {
	sum := sha256.Sum256(public)
	return "ed25519:" + hex.EncodeToString(sum[:16])
}

// SignBundle wraps canonical bundle bytes (from Marshal) in a signed
// envelope. Signing checks the bytes are a valid bundle first, so a key is
// never used to vouch for something a service would refuse anyway.
func SignBundle(canonical []byte, keys ...ed25519.PrivateKey) ([]byte, error) {
	if len(keys) == 0 {
		return nil, errors.New("no policy signing key given")
	}
	if _, err := Load(canonical); err != nil {
		return nil, err
	}
	wire := signedBundleWire{Schema: SignedBundleSchema, Bundle: canonical}
	for _, key := range keys {
		if len(key) != ed25519.PrivateKeySize {
			return nil, errors.New("policy signing key is not an Ed25519 private key")
		}
		public, _ := key.Public().(ed25519.PublicKey)
		signature := ed25519.Sign(key, signedMessage(canonical))
		wire.Signatures = append(wire.Signatures, BundleSignature{KeyID: PolicyKeyID(public), Signature: base64.StdEncoding.EncodeToString(signature)})
	}
	out, err := json.Marshal(wire)
	if err != nil {
		return nil, fmt.Errorf("encode signed capability bundle: %w", err)
	}
	// The encoder re-compacts raw JSON; prove the signed bytes survived.
	var back signedBundleWire
	if err := json.Unmarshal(out, &back); err != nil || !bytes.Equal(back.Bundle, canonical) {
		return nil, errors.New("signed capability bundle does not carry the canonical bytes it signs; pass the output of cap.Marshal")
	}
	return out, nil
}

func signedMessage(canonical []byte) []byte {
	return append([]byte(signatureContext), canonical...)
}

// PolicyKeys are the Ed25519 public keys a service accepts policy
// signatures from, by key ID. During a key rotation it holds both the old
// and the new key.
type PolicyKeys map[string]ed25519.PublicKey

// IDs lists the key IDs, sorted, for messages.
func (k PolicyKeys) IDs() []string {
	ids := make([]string, 0, len(k))
	for id := range k {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// ParsePolicyKeys reads one or more PEM "PUBLIC KEY" blocks (PKIX, Ed25519),
// for example the signing_public_key of crank_cap_policy or the output of
// `openssl pkey -in policy-signing.pem -pubout`.
func ParsePolicyKeys(data []byte) (PolicyKeys, error) {
	keys := PolicyKeys{}
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("policy key file holds a %q PEM block; it must hold only PUBLIC KEY blocks (never the private signing key)", block.Type)
		}
		parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("policy public key %d does not parse: %w", len(keys)+1, err)
		}
		public, ok := parsed.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("policy public key %d is a %T; policy keys are Ed25519", len(keys)+1, parsed)
		}
		keys[PolicyKeyID(public)] = public
	}
	if len(keys) == 0 {
		return nil, errors.New("no PEM PUBLIC KEY block found; give the policy signing public key(s)")
	}
	return keys, nil
}

// LoadPolicyKeys reads ParsePolicyKeys input from a file.
func LoadPolicyKeys(path string) (PolicyKeys, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read policy public keys: %w", err)
	}
	keys, err := ParsePolicyKeys(data)
	if err != nil {
		return nil, fmt.Errorf("policy public keys %s: %w", path, err)
	}
	return keys, nil
}

// ParsePolicySigningKey reads an unencrypted PKCS#8 PEM Ed25519 private
// key, as written by `openssl genpkey -algorithm ed25519`.
func ParsePolicySigningKey(data []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block found; give a PKCS#8 Ed25519 private key (openssl genpkey -algorithm ed25519)")
	}
	if block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("PEM block is %q, want \"PRIVATE KEY\" (unencrypted PKCS#8); create one with openssl genpkey -algorithm ed25519", block.Type)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("private key does not parse as PKCS#8: %w", err)
	}
	key, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("private key is a %T; policy signing keys are Ed25519 (openssl genpkey -algorithm ed25519)", parsed)
	}
	return key, nil
}

// ErrUnsignedBundle is returned by OpenSignedBundle for a plain bundle.
var ErrUnsignedBundle = errors.New("capability bundle is not signed")

// OpenSignedBundle verifies a signed envelope against keys before it parses
// the policy inside (the signature covers the exact bundle bytes), then
// loads it. It returns the ID of the key whose signature verified. A plain
// crank.cap.bundle/v1 file gives an error wrapping ErrUnsignedBundle.
func OpenSignedBundle(data []byte, keys PolicyKeys) (Bundle, string, error) {
	if len(data) > MaxBundleSize {
		return Bundle{}, "", fmt.Errorf("capability bundle is %d bytes, larger than the %d byte limit", len(data), MaxBundleSize)
	}
	var probe struct {
		Schema *string `json:"schema"`
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&probe); err != nil {
		return Bundle{}, "", fmt.Errorf("capability bundle is not a JSON object: %w", describeJSONError(err))
	}
	switch {
	case probe.Schema != nil && strings.HasPrefix(*probe.Schema, BundleSchemaPrefix):
		return Bundle{}, "", fmt.Errorf("%w: it is a plain %s; load the signed_bundle_json of crank_cap_policy (set signing_key_file there)", ErrUnsignedBundle, truncateForMessage(*probe.Schema))
	case probe.Schema != nil && *probe.Schema != SignedBundleSchema && strings.HasPrefix(*probe.Schema, signedSchemaPrefix):
		return Bundle{}, "", fmt.Errorf("signed capability bundle schema %q is not supported: this build reads %q only; upgrade the service's cap package", truncateForMessage(*probe.Schema), SignedBundleSchema)
	}
	if probe.Schema == nil || *probe.Schema != SignedBundleSchema {
		got := "none"
		if probe.Schema != nil {
			got = fmt.Sprintf("%q", truncateForMessage(*probe.Schema))
		}
		return Bundle{}, "", fmt.Errorf("capability bundle schema is %s; expected %q", got, SignedBundleSchema)
	}
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	var wire signedBundleWire
	if err := decoder.Decode(&wire); err != nil {
		return Bundle{}, "", fmt.Errorf("signed capability bundle is not valid %s JSON: %w", SignedBundleSchema, describeJSONError(err))
	}
	if _, err := decoder.Token(); !errors.Is(err, io.EOF) {
		return Bundle{}, "", errors.New("signed capability bundle has data after the JSON object")
	}
	keyID, err := verifyBundleSignatures(wire, keys)
	if err != nil {
		return Bundle{}, "", err
	}
	bundle, err := Load(wire.Bundle)
	if err != nil {
		return Bundle{}, "", err
	}
	return bundle, keyID, nil
}

func verifyBundleSignatures(wire signedBundleWire, keys PolicyKeys) (string, error) {
	if len(wire.Bundle) == 0 {
		return "", errors.New("signed capability bundle has no \"bundle\"")
	}
	if len(wire.Signatures) == 0 {
		return "", fmt.Errorf("%w: the envelope has no signatures", ErrUnsignedBundle)
	}
	message := signedMessage(wire.Bundle)
	var seen []string
	for _, s := range wire.Signatures {
		seen = append(seen, s.KeyID)
		public, trusted := keys[s.KeyID]
		if !trusted {
			continue
		}
		signature, err := base64.StdEncoding.DecodeString(s.Signature)
		if err != nil || !ed25519.Verify(public, message, signature) {
			// A trusted key's signature that does not verify means the
			// bundle (or the signature) was changed after signing.
			return "", fmt.Errorf("capability bundle signature by %s does not verify: the bundle was modified after it was signed; restore the file the provider wrote", s.KeyID)
		}
		return s.KeyID, nil
	}
	return "", fmt.Errorf("capability bundle is signed by %s, none of which this service trusts (trusted: %s); add the new policy public key to the service's key file before switching the signing key", strings.Join(seen, ", "), strings.Join(keys.IDs(), ", "))
}
