package cap

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
)

func newPolicyKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func policyKeysOf(keys ...ed25519.PrivateKey) PolicyKeys {
	out := PolicyKeys{}
	for _, k := range keys {
		public := k.Public().(ed25519.PublicKey)
		out[PolicyKeyID(public)] = public
	}
	return out
}

func signedBundle(t testing.TB, p Policy, keys ...ed25519.PrivateKey) []byte {
	t.Helper()
	canonical, _, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := SignBundle(canonical, keys...)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func TestSignBundleIsDeterministicAndVerifies(t *testing.T) {
	key := newPolicyKey(t)
	p := billingPolicy(Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}})
	first, second := signedBundle(t, p, key), signedBundle(t, p, key)
	if !bytes.Equal(first, second) {
		t.Fatal("signing the same policy with the same key gave different bytes; plans would never settle")
	}
	bundle, keyID, err := OpenSignedBundle(first, policyKeysOf(key))
	if err != nil {
		t.Fatal(err)
	}
	_, digest, _ := Marshal(p)
	if bundle.Digest != digest || keyID != PolicyKeyID(key.Public().(ed25519.PublicKey)) {
		t.Fatalf("digest %s key %s", bundle.Digest, keyID)
	}
}

func TestOpenSignedBundleRefusesTampering(t *testing.T) {
	key, other := newPolicyKey(t), newPolicyKey(t)
	p := billingPolicy(Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}})
	signed := signedBundle(t, p, key)
	var wire map[string]json.RawMessage
	_ = json.Unmarshal(signed, &wire)
	rewrite := func(field string, value string) []byte {
		copied := map[string]json.RawMessage{}
		for k, v := range wire {
			copied[k] = v
		}
		copied[field] = json.RawMessage(value)
		out, _ := json.Marshal(copied)
		return out
	}
	widened := strings.Replace(string(wire["bundle"]), `{"service":"api-gateway"}`, `{"trust_domain":"`+testTD+`"}`, 1)
	var pretty bytes.Buffer
	_ = json.Indent(&pretty, wire["bundle"], "", "  ")
	tests := []struct {
		name string
		data []byte
		keys PolicyKeys
		want string
	}{
		{"rule widened after signing", rewrite("bundle", widened), policyKeysOf(key), "modified after it was signed"},
		{"bundle reformatted after signing", bytes.Replace(signed, wire["bundle"], pretty.Bytes(), 1), policyKeysOf(key), "modified after it was signed"},
		{"signature replaced", rewrite("signatures", `[{"key_id":"`+PolicyKeyID(key.Public().(ed25519.PublicKey))+`","signature":"AAAA"}]`), policyKeysOf(key), "does not verify"},
		{"no signatures", rewrite("signatures", `[]`), policyKeysOf(key), "no signatures"},
		{"signed by an untrusted key", signed, policyKeysOf(other), "none of which this service trusts"},
		{"plain bundle", wire["bundle"], policyKeysOf(key), "not signed"},
		{"unknown envelope field", rewrite("comment", `"x"`), policyKeysOf(key), "unknown field"},
		{"future signed schema", rewrite("schema", `"crank.cap.signed-bundle/v9"`), policyKeysOf(key), "not supported"},
		{"foreign schema", rewrite("schema", `"something/v1"`), policyKeysOf(key), "expected"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := OpenSignedBundle(tc.data, tc.keys)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	if _, _, err := OpenSignedBundle(wire["bundle"], policyKeysOf(key)); !errors.Is(err, ErrUnsignedBundle) {
		t.Fatalf("a plain bundle must be ErrUnsignedBundle, got %v", err)
	}
}

func TestSignedBundleRotationAcceptsEitherKey(t *testing.T) {
	old, next := newPolicyKey(t), newPolicyKey(t)
	p := billingPolicy()
	duringRotation := policyKeysOf(old, next)
	for _, key := range []ed25519.PrivateKey{old, next} {
		if _, _, err := OpenSignedBundle(signedBundle(t, p, key), duringRotation); err != nil {
			t.Fatal(err)
		}
	}
	// A bundle signed by both verifies for services that know only one.
	both := signedBundle(t, p, old, next)
	for _, keys := range []PolicyKeys{policyKeysOf(old), policyKeysOf(next)} {
		if _, _, err := OpenSignedBundle(both, keys); err != nil {
			t.Fatal(err)
		}
	}
}

func TestParsePolicyKeys(t *testing.T) {
	key := newPolicyKey(t)
	der, _ := x509.MarshalPKIXPublicKey(key.Public())
	public := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	keys, err := ParsePolicyKeys(append(public, public...))
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys %v err %v", keys, err)
	}
	privateDER, _ := x509.MarshalPKCS8PrivateKey(key)
	private := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privateDER})
	if _, err := ParsePolicyKeys(private); err == nil || !strings.Contains(err.Error(), "never the private signing key") {
		t.Fatalf("a private key in the public key file must be refused: %v", err)
	}
	if _, err := ParsePolicyKeys(nil); err == nil {
		t.Fatal("an empty key file must be refused")
	}
	parsed, err := ParsePolicySigningKey(private)
	if err != nil || !parsed.Equal(key) {
		t.Fatalf("signing key round trip: %v", err)
	}
	if _, err := ParsePolicySigningKey(public); err == nil || !strings.Contains(err.Error(), "PRIVATE KEY") {
		t.Fatalf("a public key is not a signing key: %v", err)
	}
}

// FuzzOpenSignedBundle: whatever the bytes, a bundle is accepted only if
// the trusted key signed exactly the policy bytes it yields.
func FuzzOpenSignedBundle(f *testing.F) {
	seed := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	keys := policyKeysOf(seed)
	f.Add(signedBundle(f, billingPolicy(Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"*"}}), seed))
	f.Add([]byte(`{"schema":"crank.cap.signed-bundle/v1","signatures":[],"bundle":{}}`))
	f.Add([]byte(`{"schema":"crank.cap.bundle/v1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		bundle, keyID, err := OpenSignedBundle(data, keys)
		if err != nil {
			return
		}
		if _, ok := keys[keyID]; !ok {
			t.Fatalf("accepted with untrusted key %s", keyID)
		}
		var wire signedBundleWire
		if err := json.Unmarshal(data, &wire); err != nil {
			t.Fatalf("accepted bytes do not decode: %v", err)
		}
		verified := false
		for _, s := range wire.Signatures {
			signature, _ := base64.StdEncoding.DecodeString(s.Signature)
			verified = verified || (s.KeyID == keyID && ed25519.Verify(keys[keyID], signedMessage(wire.Bundle), signature))
		}
		if !verified {
			t.Fatal("accepted a bundle no trusted signature covers")
		}
		if again, err := Load(wire.Bundle); err != nil || again.Digest != bundle.Digest {
			t.Fatalf("the verified bytes are not the enforced policy: %v", err)
		}
	})
}
