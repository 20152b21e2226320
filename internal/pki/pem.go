package pki

import (
	"crypto"
	"crypto/sha1" //nolint:gosec // SHA-1 is what RFC 5280 §4.2.1.2 prescribes for key identifiers, not a signature.
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// EncodeCertsPEM concatenates certificates as "CERTIFICATE" blocks.
func EncodeCertsPEM(certs ...*x509.Certificate) string {
	var b strings.Builder
	for _, c := range certs {
		b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	return b.String()
}

// ParseCertsPEM reads every "CERTIFICATE" block, in order, ignoring other
// block types (keys, parameters) that bundles sometimes carry.
func ParseCertsPEM(data string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	rest := []byte(data)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parsing certificate %d in the PEM: %w", len(out)+1, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// ParseCertPEM reads exactly one leading certificate (further blocks ignored).
func ParseCertPEM(data string) (*x509.Certificate, error) {
	certs, err := ParseCertsPEM(data)
	if err != nil {
		return nil, err
	}
	if len(certs) == 0 {
		return nil, errors.New("no PEM \"CERTIFICATE\" block found")
	}
	return certs[0], nil
}

// FingerprintSHA256 of the DER certificate, lowercase hex without separators.
func FingerprintSHA256(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// FingerprintSHA1 of the DER certificate, for tools that still show it.
func FingerprintSHA1(c *x509.Certificate) string {
	sum := sha1.Sum(c.Raw) //nolint:gosec // a display fingerprint, not a security decision
	return hex.EncodeToString(sum[:])
}

// KeyID computes RFC 5280 §4.2.1.2 method 1: SHA-1 over the subjectPublicKey BIT STRING.
func KeyID(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	var spki struct {
		Algorithm        asn1.RawValue
		SubjectPublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil, err
	}
	sum := sha1.Sum(spki.SubjectPublicKey.Bytes) //nolint:gosec // RFC 5280 key identifier
	return sum[:], nil
}

// HexID formats a key identifier or serial as colon-separated uppercase hex,
// the form openssl prints.
func HexID(b []byte) string {
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = fmt.Sprintf("%02X", x)
	}
	return strings.Join(parts, ":")
}
