// Package pki holds the plain-Go X.509 work shared by the provider and the
// gate: key generation and parsing, CA and leaf templates, issuance policy,
// signing and chain verification. It knows nothing about Terraform.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// KeyAlgorithm names a key type and size as users write it in configuration.
type KeyAlgorithm string

const (
	ECDSAP256 KeyAlgorithm = "ECDSA_P256"
	ECDSAP384 KeyAlgorithm = "ECDSA_P384"
	ED25519   KeyAlgorithm = "ED25519"
	RSA2048   KeyAlgorithm = "RSA_2048"
	RSA3072   KeyAlgorithm = "RSA_3072"
	RSA4096   KeyAlgorithm = "RSA_4096"
)

// DefaultKeyAlgorithm is small, fast and accepted by every TLS stack we target.
const DefaultKeyAlgorithm = ECDSAP256

// KeyAlgorithms lists every accepted value, in documentation order.
func KeyAlgorithms() []string {
	return []string{string(ECDSAP256), string(ECDSAP384), string(ED25519), string(RSA2048), string(RSA3072), string(RSA4096)}
}

// GenerateKey creates a new private key of the given algorithm.
func GenerateKey(alg KeyAlgorithm) (crypto.Signer, error) {
	switch alg {
	case ECDSAP256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case ECDSAP384:
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case ED25519:
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	case RSA2048:
		return rsa.GenerateKey(rand.Reader, 2048)
	case RSA3072:
		return rsa.GenerateKey(rand.Reader, 3072)
	case RSA4096:
		return rsa.GenerateKey(rand.Reader, 4096)
	}
	return nil, fmt.Errorf("unknown key algorithm %q; accepted values: %s", alg, strings.Join(KeyAlgorithms(), ", "))
}

// AlgorithmOf reports the KeyAlgorithm of a public key, or an error for key
// types and sizes we do not issue for (for example RSA-1024 or P-224).
func AlgorithmOf(pub crypto.PublicKey) (KeyAlgorithm, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return ECDSAP256, nil
		case elliptic.P384():
			return ECDSAP384, nil
		}
		return "", fmt.Errorf("ECDSA curve %s is not accepted; use P-256 or P-384", k.Curve.Params().Name)
	case ed25519.PublicKey:
		return ED25519, nil
	case *rsa.PublicKey:
		switch k.N.BitLen() {
		case 2048:
			return RSA2048, nil
		case 3072:
			return RSA3072, nil
		case 4096:
			return RSA4096, nil
		}
		return "", fmt.Errorf("RSA key of %d bits is not accepted; use 2048, 3072 or 4096 bits", k.N.BitLen())
	}
	return "", fmt.Errorf("public key type %T is not accepted; use ECDSA P-256/P-384, Ed25519 or RSA", pub)
}

// EncodePrivateKeyPEM writes a key as an unencrypted PKCS#8 "PRIVATE KEY" block.
func EncodePrivateKeyPEM(key crypto.Signer) (string, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", fmt.Errorf("encoding private key: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

// EncodePublicKeyPEM writes a public key as a PKIX "PUBLIC KEY" block.
func EncodePublicKeyPEM(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("encoding public key: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// ParsePrivateKeyPEM reads the first private key block, accepting PKCS#8,
// PKCS#1 ("RSA PRIVATE KEY") and SEC 1 ("EC PRIVATE KEY") encodings.
func ParsePrivateKeyPEM(data string) (crypto.Signer, error) {
	rest := []byte(data)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("no PEM private key block found; expected a \"PRIVATE KEY\", \"RSA PRIVATE KEY\" or \"EC PRIVATE KEY\" block")
		}
		switch block.Type {
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("parsing PKCS#8 private key: %w", err)
			}
			s, ok := k.(crypto.Signer)
			if !ok {
				return nil, fmt.Errorf("private key type %T cannot sign", k)
			}
			return s, nil
		case "RSA PRIVATE KEY":
			return x509.ParsePKCS1PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			return x509.ParseECPrivateKey(block.Bytes)
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("the private key is encrypted; supply it decrypted (or use a file-backed CA key with a passphrase)")
		}
	}
}

// ParsePublicKeyPEM reads a "PUBLIC KEY" (PKIX) or "RSA PUBLIC KEY" (PKCS#1) block.
func ParsePublicKeyPEM(data string) (crypto.PublicKey, error) {
	rest := []byte(data)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("no PEM public key block found; expected a \"PUBLIC KEY\" block (openssl pkey -pubout)")
		}
		switch block.Type {
		case "PUBLIC KEY":
			pub, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("parsing public key: %w", err)
			}
			return pub, nil
		case "RSA PUBLIC KEY":
			return x509.ParsePKCS1PublicKey(block.Bytes)
		}
	}
}

// ParseCSRPEM reads a PKCS#10 request and checks its self-signature, which
// proves the requester holds the private key.
func ParseCSRPEM(data string) (*x509.CertificateRequest, error) {
	block, _ := pem.Decode([]byte(data))
	if block == nil || (block.Type != "CERTIFICATE REQUEST" && block.Type != "NEW CERTIFICATE REQUEST") {
		return nil, errors.New("no PEM \"CERTIFICATE REQUEST\" block found")
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parsing certificate request: %w", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("certificate request signature does not verify (the request was not signed by the key it carries): %w", err)
	}
	return csr, nil
}

// PublicKeysEqual reports whether two public keys are the same key.
func PublicKeysEqual(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	ea, ok := a.(equaler)
	return ok && ea.Equal(b)
}

// PublicKeyFingerprint is the SHA-256 of the PKIX encoding, as "sha256:<hex>".
func PublicKeyFingerprint(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(der)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}
