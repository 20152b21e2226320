package pki

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"software.sslmate.com/src/go-pkcs12"
)

// ErrEmptyPKCS12Password refuses keystores whose "encryption" would be a
// well-known empty password.
var ErrEmptyPKCS12Password = errors.New("the PKCS#12 password is empty, so the private key would be readable by anyone")

// EncodePKCS12 bundles a certificate, its private key and the intermediates
// into a PKCS#12 keystore with modern algorithms (AES-256-CBC under PBKDF2
// for key and certificates, HMAC-SHA-256 MAC), which OpenSSL 3 and Java 11+
// read without legacy providers. The key entry carries localKeyId and a
// friendlyName (opts.FriendlyName, by default the certificate's service
// name), which Java and keytool show as the alias.
func EncodePKCS12(certPEM, keyPEM, chainPEM, password string, opts PKCS12Options) ([]byte, error) {
	if password == "" {
		return nil, ErrEmptyPKCS12Password
	}
	cert, err := ParseCertPEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("cert_pem: %w", err)
	}
	key, err := ParsePrivateKeyPEM(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("key_pem: %w", err)
	}
	if !PublicKeysEqual(key.Public(), cert.PublicKey) {
		return nil, errors.New("key_pem is not the private key of cert_pem")
	}
	var chain []*x509.Certificate
	if chainPEM != "" {
		if chain, err = ParseCertsPEM(chainPEM); err != nil {
			return nil, fmt.Errorf("chain_pem: %w", err)
		}
	}
	// A chain_pem taken from crank_certificate.chain_pem starts with the leaf.
	if len(chain) > 0 && chain[0].Equal(cert) {
		chain = chain[1:]
	}
	name := opts.FriendlyName
	if name == "" {
		name = DefaultFriendlyName(cert)
	}
	der, err := pkcs12.Modern2023.WithRand(deterministicRand(certPEM, keyPEM, chainPEM, password, name)).Encode(key, cert, chain, password)
	if err != nil || name == "" {
		return der, err
	}
	return addFriendlyName(der, name, password)
}

// deterministicRand derives the salts and IVs from the inputs. Terraform
// requires provider functions to be pure (the same arguments give the same
// result), or every plan would show a new keystore. The price is that two
// identical keystores are recognisable as identical, which reveals nothing
// the inputs do not; different inputs still get unrelated salts and IVs.
func deterministicRand(parts ...string) io.Reader {
	h := sha256.New()
	h.Write([]byte("crank pkcs12_encode v1"))
	for _, p := range parts {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	return &hashStream{seed: h.Sum(nil)}
}

// hashStream is SHA-256 in counter mode over a secret seed.
type hashStream struct {
	seed    []byte
	counter uint64
	buf     []byte
}

func (s *hashStream) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(s.buf) == 0 {
			var c [8]byte
			binary.BigEndian.PutUint64(c[:], s.counter)
			s.counter++
			sum := sha256.Sum256(append(append([]byte{}, s.seed...), c[:]...))
			s.buf = sum[:]
		}
		k := copy(p[n:], s.buf)
		s.buf = s.buf[k:]
		n += k
	}
	return n, nil
}
