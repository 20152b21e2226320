package pki

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"

	"software.sslmate.com/src/go-pkcs12"
)

// go-pkcs12 (v0.7) writes localKeyId on the key and certificate bags but has
// no way to add a friendlyName to the key entry, which Java and keytool use
// as the alias (without one the alias is "1"). Its key bag sits in the
// PFX's unencrypted SafeContents (the key itself is shrouded), so the
// attribute is added there and the MAC recomputed; the result is decoded
// again with go-pkcs12, which checks the MAC, before it is handed out. The
// certificate bags are encrypted, so they keep localKeyId only; Java and
// OpenSSL pair the certificate with the key through it.

// PKCS12Options are the optional parts of a keystore.
type PKCS12Options struct {
	// FriendlyName is the key entry's alias; empty means DefaultFriendlyName.
	FriendlyName string
}

var (
	oidFriendlyName = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 20}
	oidDataContent  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSHA256       = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidShroudedKey  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
)

type p12PFX struct {
	Version  int
	AuthSafe p12ContentInfo
	MacData  p12MacData `asn1:"optional"`
}

type p12ContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"tag:0,explicit,optional"`
}

type p12MacData struct {
	Mac        p12DigestInfo
	MacSalt    []byte
	Iterations int `asn1:"optional,default:1"`
}

type p12DigestInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Digest    []byte
}

type p12SafeBag struct {
	ID         asn1.ObjectIdentifier
	Value      asn1.RawValue     `asn1:"tag:0,explicit"`
	Attributes []p12BagAttribute `asn1:"set,optional"`
}

type p12BagAttribute struct {
	ID    asn1.ObjectIdentifier
	Value asn1.RawValue `asn1:"set"`
}

// DefaultFriendlyName is the service name of a crank certificate (the path
// of its SPIFFE ID), else its first DNS name or its common name.
func DefaultFriendlyName(cert *x509.Certificate) string {
	for _, u := range cert.URIs {
		if u.Scheme == "spiffe" && u.Path != "" {
			return strings.TrimPrefix(u.Path, "/")
		}
	}
	if len(cert.DNSNames) > 0 {
		return cert.DNSNames[0]
	}
	return cert.Subject.CommonName
}

// addFriendlyName sets the friendlyName of the key bag of a go-pkcs12
// Modern2023 PFX and recomputes its MAC.
func addFriendlyName(pfxDER []byte, name, password string) ([]byte, error) {
	var pfx p12PFX
	if rest, err := asn1.Unmarshal(pfxDER, &pfx); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("pkcs12: re-reading the keystore: %v", err)
	}
	if !pfx.AuthSafe.ContentType.Equal(oidDataContent) || !pfx.MacData.Mac.Algorithm.Algorithm.Equal(oidSHA256) {
		return nil, errors.New("pkcs12: unexpected keystore layout (not data content with an HMAC-SHA-256 MAC)")
	}
	var authSafeDER []byte
	if _, err := asn1.Unmarshal(pfx.AuthSafe.Content.Bytes, &authSafeDER); err != nil {
		return nil, err
	}
	var safes []p12ContentInfo
	if _, err := asn1.Unmarshal(authSafeDER, &safes); err != nil {
		return nil, err
	}
	patched := false
	for i, safe := range safes {
		if !safe.ContentType.Equal(oidDataContent) {
			continue // the encrypted certificate bags
		}
		var contentDER []byte
		if _, err := asn1.Unmarshal(safe.Content.Bytes, &contentDER); err != nil {
			return nil, err
		}
		var bags []p12SafeBag
		if _, err := asn1.Unmarshal(contentDER, &bags); err != nil {
			return nil, err
		}
		for j := range bags {
			if !bags[j].ID.Equal(oidShroudedKey) {
				continue
			}
			attr, err := friendlyNameAttribute(name)
			if err != nil {
				return nil, err
			}
			bags[j].Attributes = append(bags[j].Attributes, attr)
			patched = true
		}
		if contentDER, err := asn1.Marshal(bags); err != nil {
			return nil, err
		} else if safes[i].Content.Bytes, err = asn1.Marshal(contentDER); err != nil {
			return nil, err
		}
		safes[i].Content.FullBytes = nil
	}
	if !patched {
		return nil, errors.New("pkcs12: the keystore has no shrouded key bag to name")
	}
	authSafeDER, err := asn1.Marshal(safes)
	if err != nil {
		return nil, err
	}
	if pfx.AuthSafe.Content.Bytes, err = asn1.Marshal(authSafeDER); err != nil {
		return nil, err
	}
	pfx.AuthSafe.Content.FullBytes = nil
	key := pkcs12KDFSHA256(bmpZeroTerminated(password), pfx.MacData.MacSalt, pfx.MacData.Iterations, 3, sha256.Size)
	mac := hmac.New(sha256.New, key)
	mac.Write(authSafeDER)
	pfx.MacData.Mac.Digest = mac.Sum(nil)
	out, err := asn1.Marshal(pfx)
	if err != nil {
		return nil, err
	}
	// The library decodes (and so MAC-checks) what we wrote.
	if _, _, _, err := pkcs12.DecodeChain(out, password); err != nil {
		return nil, fmt.Errorf("pkcs12: the named keystore does not decode: %w", err)
	}
	return out, nil
}

func friendlyNameAttribute(name string) (p12BagAttribute, error) {
	bmp := asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagBMPString, Bytes: bmp(name)}
	value, err := asn1.Marshal(bmp)
	if err != nil {
		return p12BagAttribute{}, err
	}
	return p12BagAttribute{ID: oidFriendlyName, Value: asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: value}}, nil
}

func bmp(s string) []byte {
	var b []byte
	for _, r := range utf16.Encode([]rune(s)) {
		b = append(b, byte(r>>8), byte(r))
	}
	return b
}

func bmpZeroTerminated(s string) []byte { return append(bmp(s), 0, 0) }

// pkcs12KDFSHA256 is the PKCS#12 key derivation of RFC 7292 appendix B.2
// with SHA-256 (u = 32, v = 64 bytes); id 3 derives a MAC key.
func pkcs12KDFSHA256(password, salt []byte, iterations int, id byte, size int) []byte {
	const u, v = sha256.Size, 64
	fill := func(x []byte) []byte {
		if len(x) == 0 {
			return nil
		}
		out := make([]byte, v*((len(x)+v-1)/v))
		for i := range out {
			out[i] = x[i%len(x)]
		}
		return out
	}
	d := bytes.Repeat([]byte{id}, v)
	in := append(fill(salt), fill(password)...)
	var a []byte
	for len(a) < size {
		h := sha256.Sum256(append(append([]byte{}, d...), in...))
		for i := 1; i < iterations; i++ {
			h = sha256.Sum256(h[:])
		}
		a = append(a, h[:]...)
		b := make([]byte, v)
		for i := range b {
			b[i] = h[i%u]
		}
		for j := 0; j < len(in)/v; j++ {
			block := in[j*v : (j+1)*v]
			carry := 1
			for k := v - 1; k >= 0; k-- {
				s := int(block[k]) + int(b[k]) + carry
				block[k] = byte(s)
				carry = s >> 8
			}
		}
	}
	return a[:size]
}
