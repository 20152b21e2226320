package pki

import (
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The issuer handle is the one value a certificate takes to know who signs
// it. It is a small versioned JSON document so other backends (Vault, ACME,
// a file-backed key) plug in behind the same attribute.
//
// Version 2 added the pointers (CDP, OCSP, CA issuers) the CA writes into
// what it signs. A version-1 handle comes from a release that wrote a CA's
// configured pointers into the CA's own certificate, so they are read back
// from there; handles are re-encoded as version 2 whenever a CA is written.
const (
	HandleVersion       = 2
	legacyHandleVersion = 1
	BackendLocal        = "local"
)

// Handle is the decoded form of an issuer handle.
type Handle struct {
	Version int    `json:"v"`
	Backend string `json:"backend"`
	// Cert is the issuing CA's certificate, Parents the CAs above it (root
	// last), all base64 DER to keep state small.
	Cert    string   `json:"cert"`
	Parents []string `json:"parents,omitempty"`
	// Key is the CA key as base64 PKCS#8 DER when the key lives in state.
	Key string `json:"key,omitempty"`
	// KeyFile and KeyFingerprint locate a key kept outside state.
	KeyFile        string `json:"key_file,omitempty"`
	KeyFingerprint string `json:"key_fingerprint,omitempty"`
	// The issuer's pointers, written into every certificate it signs.
	CRLDistributionPoints  []string `json:"crl_urls,omitempty"`
	OCSPServers            []string `json:"ocsp_urls,omitempty"`
	IssuingCertificateURLs []string `json:"ca_issuers_urls,omitempty"`
}

func newHandle(iss *Issuer) Handle {
	h := Handle{
		Version: HandleVersion, Backend: BackendLocal, Cert: b64(iss.Cert.Raw),
		CRLDistributionPoints:  iss.Pointers.CRLDistributionPoints,
		OCSPServers:            iss.Pointers.OCSPServers,
		IssuingCertificateURLs: iss.Pointers.IssuingCertificateURLs,
	}
	for _, p := range iss.Parents {
		h.Parents = append(h.Parents, b64(p.Raw))
	}
	return h
}

// EncodeHandle serialises an in-state local issuer.
func EncodeHandle(iss *Issuer) (string, error) {
	keyDER, err := x509.MarshalPKCS8PrivateKey(iss.Key)
	if err != nil {
		return "", fmt.Errorf("encoding CA key: %w", err)
	}
	h := newHandle(iss)
	h.Key = b64(keyDER)
	return h.String()
}

// EncodeFileHandle serialises a local issuer whose key is kept in keyFile:
// the handle carries only the path and the public key fingerprint, so the
// key itself never reaches state.
func EncodeFileHandle(iss *Issuer, keyFile string) (string, error) {
	fp, err := PublicKeyFingerprint(iss.Cert.PublicKey)
	if err != nil {
		return "", fmt.Errorf("fingerprinting CA key: %w", err)
	}
	h := newHandle(iss)
	h.KeyFile, h.KeyFingerprint = keyFile, fp
	return h.String()
}

// FileBacked reports whether the key lives in a key file rather than in the handle.
func (h Handle) FileBacked() bool { return h.KeyFile != "" }

func (h Handle) String() (string, error) {
	out, err := json.Marshal(h)
	return string(out), err
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// ErrBadHandle is wrapped by every handle decoding failure.
var ErrBadHandle = errors.New("invalid issuer handle")

// DecodeHandle parses a handle without touching any key material outside it.
func DecodeHandle(s string) (Handle, error) {
	var h Handle
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return h, fmt.Errorf("%w: it is not the value of a crank_ca \"issuer\" attribute (%v)", ErrBadHandle, err)
	}
	if h.Version != HandleVersion && h.Version != legacyHandleVersion {
		return h, fmt.Errorf("%w: version %d is not supported by this provider version (expected %d); upgrade the provider", ErrBadHandle, h.Version, HandleVersion)
	}
	if h.Backend != BackendLocal {
		return h, fmt.Errorf("%w: backend %q is not supported; supported: %s", ErrBadHandle, h.Backend, BackendLocal)
	}
	return h, nil
}

// Pointers returns what the issuer writes into the certificates it signs.
// cert is the issuer's own certificate, which held them in version 1.
func (h Handle) Pointers(cert *x509.Certificate) Pointers {
	if h.Version == legacyHandleVersion {
		return PointersOf(cert)
	}
	return Pointers{CRLDistributionPoints: h.CRLDistributionPoints, OCSPServers: h.OCSPServers, IssuingCertificateURLs: h.IssuingCertificateURLs}
}

// Certificates returns the issuing certificate and its parents.
func (h Handle) Certificates() (*x509.Certificate, []*x509.Certificate, error) {
	cert, err := parseB64Cert(h.Cert)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: issuer certificate: %v", ErrBadHandle, err)
	}
	var parents []*x509.Certificate
	for i, p := range h.Parents {
		c, err := parseB64Cert(p)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: parent certificate %d: %v", ErrBadHandle, i+1, err)
		}
		parents = append(parents, c)
	}
	return cert, parents, nil
}

// LocalIssuer resolves a handle into a signing issuer and checks it. A
// file-backed key is read from KeyFile with passphrase and must have the
// fingerprint recorded in the handle; an in-state key ignores passphrase.
func (h Handle) LocalIssuer(passphrase string) (*Issuer, error) {
	cert, parents, err := h.Certificates()
	if err != nil {
		return nil, err
	}
	var s crypto.Signer
	switch {
	case h.FileBacked():
		if s, err = ReadKeyFile(h.KeyFile, passphrase, h.KeyFingerprint); err != nil {
			return nil, err
		}
	case h.Key != "":
		der, err := base64.StdEncoding.DecodeString(h.Key)
		if err != nil {
			return nil, fmt.Errorf("%w: key: %v", ErrBadHandle, err)
		}
		k, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return nil, fmt.Errorf("%w: key: %v", ErrBadHandle, err)
		}
		var ok bool
		if s, ok = k.(crypto.Signer); !ok {
			return nil, fmt.Errorf("%w: key type %T cannot sign", ErrBadHandle, k)
		}
	default:
		return nil, fmt.Errorf("%w: it carries no key and names no key file", ErrBadHandle)
	}
	iss := &Issuer{Cert: cert, Key: s, Parents: parents, Pointers: h.Pointers(cert)}
	if err := iss.Check(); err != nil {
		return nil, err
	}
	return iss, nil
}

func parseB64Cert(s string) (*x509.Certificate, error) {
	der, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}
