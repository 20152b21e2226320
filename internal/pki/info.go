package pki

import (
	"crypto/x509"
	"strings"
	"time"
)

// CertInfo is the part of a certificate people ask about, in plain types.
type CertInfo struct {
	Subject           string
	CommonName        string
	Issuer            string
	Serial            string
	NotBefore         time.Time
	NotAfter          time.Time
	IsCA              bool
	DNSNames          []string
	IPAddresses       []string
	URIs              []string
	SPIFFEID          string
	SubjectKeyID      string
	AuthorityKeyID    string
	FingerprintSHA256 string
	FingerprintSHA1   string
	KeyAlgorithm      string
}

// Describe extracts CertInfo. The SPIFFE ID is the single spiffe:// URI SAN,
// empty when there is none (or several, which the X.509-SVID spec forbids).
func Describe(c *x509.Certificate) CertInfo {
	info := CertInfo{
		Subject:           c.Subject.String(),
		CommonName:        c.Subject.CommonName,
		Issuer:            c.Issuer.String(),
		Serial:            HexID(c.SerialNumber.Bytes()),
		NotBefore:         c.NotBefore.UTC(),
		NotAfter:          c.NotAfter.UTC(),
		IsCA:              c.IsCA,
		DNSNames:          append([]string{}, c.DNSNames...),
		SubjectKeyID:      HexID(c.SubjectKeyId),
		AuthorityKeyID:    HexID(c.AuthorityKeyId),
		FingerprintSHA256: FingerprintSHA256(c),
		FingerprintSHA1:   FingerprintSHA1(c),
		IPAddresses:       []string{},
		URIs:              []string{},
	}
	if alg, err := AlgorithmOf(c.PublicKey); err == nil {
		info.KeyAlgorithm = string(alg)
	}
	for _, ip := range c.IPAddresses {
		info.IPAddresses = append(info.IPAddresses, ip.String())
	}
	var spiffe []string
	for _, u := range c.URIs {
		info.URIs = append(info.URIs, u.String())
		if strings.EqualFold(u.Scheme, "spiffe") {
			spiffe = append(spiffe, u.String())
		}
	}
	if len(spiffe) == 1 {
		info.SPIFFEID = spiffe[0]
	}
	return info
}

// CertName names a certificate for messages: its subject, or, for a leaf
// with an empty subject (crank's default), its first SAN.
func CertName(c *x509.Certificate) string {
	if s := c.Subject.String(); s != "" {
		return s
	}
	for _, u := range c.URIs {
		return u.String()
	}
	if len(c.DNSNames) > 0 {
		return c.DNSNames[0]
	}
	if len(c.IPAddresses) > 0 {
		return c.IPAddresses[0].String()
	}
	return "(empty subject)"
}
