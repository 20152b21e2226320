package certs

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/crank-platform/terraform-provider-crank/gate/safefile"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// Limits bound what one input can make the command do. Real inputs are far
// below them: the Mozilla root bundle is about 220 KB and 150 certificates.
const (
	// MaxFileBytes is the largest certificate, bundle, keystore or CRL file read.
	MaxFileBytes = 8 << 20
	// MaxCertsPerInput caps the certificates one input may hold; each is
	// verified, so the cap bounds the work a hostile bundle causes.
	MaxCertsPerInput = 5000
)

// Kind says where an input's certificates came from.
type Kind string

// Input kinds.
const (
	KindPEM      Kind = "pem"
	KindDER      Kind = "der"
	KindPKCS12   Kind = "pkcs12"
	KindEndpoint Kind = "tls"
)

// Cert is one certificate of an input. Line is where its PEM block starts
// (0 when the input has no lines: DER, PKCS#12, an endpoint).
type Cert struct {
	X509 *x509.Certificate
	Line int
}

// Input is everything one command-line target yielded. Leaves are the
// certificates the report is about; the others are the chain they were
// presented with (intermediates, and perhaps a root).
type Input struct {
	// Name is how findings name the input: the path, or tls://host:port.
	Name  string
	Kind  Kind
	Certs []Cert
	// Leaf, when >= 0, is the index of the one certificate the input is
	// about (a TLS server's, a keystore's key entry); -1 lets Subjects
	// decide from the certificates themselves.
	Leaf int
}

// InputError is a target that could not be read as certificates: exit 2,
// distinct from findings about certificates that were read.
type InputError struct {
	Name string
	Err  error
}

func (e *InputError) Error() string { return e.Name + ": " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// ErrPKCS12Password is wrapped when a keystore's password is missing or wrong.
var ErrPKCS12Password = errors.New("PKCS#12 password")

// FileOptions tune how files are read.
type FileOptions struct {
	// PKCS12Password decrypts keystores; empty tries a password-less one.
	PKCS12Password string
	// PasswordHint names where the password came from, for messages
	// ("$P12_PASSWORD"); the password itself is never printed.
	PasswordHint string
}

// readBounded reads a regular file of at most MaxFileBytes: a FIFO, a
// device or a huge file is refused before anything is parsed.
func readBounded(path, what string) ([]byte, error) {
	f, st, err := safefile.Open(path)
	if errors.Is(err, safefile.ErrNotRegular) {
		return nil, fmt.Errorf("%w: only regular files are read as %s", err, what)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	defer f.Close()
	if st.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%d bytes is over the limit of %d for %s: far beyond any real one, so check the input", st.Size(), MaxFileBytes, what)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("grew beyond the limit of %d bytes while it was read", MaxFileBytes)
	}
	return data, nil
}

// LoadFile reads certificates from a PEM file (certificates, chains,
// bundles; keys and other blocks are skipped unread), a DER certificate
// or a PKCS#12 keystore. The format comes from the content, not the name.
func LoadFile(path string, opt FileOptions) (*Input, error) {
	data, err := readBounded(path, "certificates")
	if err != nil {
		return nil, &InputError{Name: path, Err: err}
	}
	in, err := decode(path, data, opt)
	if err != nil {
		return nil, &InputError{Name: path, Err: err}
	}
	if len(in.Certs) > MaxCertsPerInput {
		return nil, &InputError{Name: path, Err: fmt.Errorf("%d certificates is over the limit of %d per input: split the bundle", len(in.Certs), MaxCertsPerInput)}
	}
	return in, nil
}

func decode(name string, data []byte, opt FileOptions) (*Input, error) {
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		certs, err := decodePEM(data, "CERTIFICATE")
		if err != nil {
			return nil, err
		}
		if len(certs) == 0 {
			return nil, errors.New("not a certificate: the PEM holds no CERTIFICATE block (keys and other blocks are ignored)")
		}
		in := &Input{Name: name, Kind: KindPEM, Leaf: -1}
		for _, b := range certs {
			c, err := x509.ParseCertificate(b.der)
			if err != nil {
				return nil, fmt.Errorf("the certificate at line %d cannot be parsed: %w", b.line, err)
			}
			in.Certs = append(in.Certs, Cert{X509: c, Line: b.line})
		}
		return in, nil
	}
	if c, err := x509.ParseCertificate(data); err == nil {
		return &Input{Name: name, Kind: KindDER, Leaf: -1, Certs: []Cert{{X509: c}}}, nil
	}
	return decodePKCS12(name, data, opt)
}

type pemBlock struct {
	der  []byte
	line int
}

// decodePEM returns the blocks of type want with the line each starts on.
// A block that does not decode is an error naming its line: pem.Decode
// alone would skip it silently and go on to the next one.
func decodePEM(data []byte, want string) ([]pemBlock, error) {
	var out []pemBlock
	marker := []byte("-----BEGIN ")
	pos := 0
	for {
		i := bytes.Index(data[pos:], marker)
		if i < 0 {
			return out, nil
		}
		start := pos + i
		line := 1 + bytes.Count(data[:start], []byte("\n"))
		block, rest := pem.Decode(data[start:])
		end := len(data) - len(rest)
		if block == nil || bytes.Count(data[start:end], marker) != 1 {
			return nil, fmt.Errorf("the PEM block at line %d is malformed (no matching END line, or bad base64)", line)
		}
		if block.Type == want {
			out = append(out, pemBlock{der: block.Bytes, line: line})
		}
		pos = end
	}
}

// decodePKCS12 reads a keystore: a key entry (the leaf is the certificate
// of the key, the others its chain) or a Java trust store (certificates
// only). The key is decoded only to find its certificate and then dropped.
func decodePKCS12(name string, data []byte, opt FileOptions) (*Input, error) {
	key, leaf, cas, err := pkcs12.DecodeChain(data, opt.PKCS12Password)
	if err == nil {
		in := &Input{Name: name, Kind: KindPKCS12, Leaf: 0}
		all := append([]*x509.Certificate{leaf}, cas...)
		// DecodeChain calls the first certificate the leaf; the key says
		// which one really is.
		if s, ok := key.(crypto.Signer); ok {
			for i, c := range all {
				if pki.PublicKeysEqual(s.Public(), c.PublicKey) {
					in.Leaf = i
				}
			}
		}
		for _, c := range all {
			in.Certs = append(in.Certs, Cert{X509: c})
		}
		return in, nil
	}
	if errors.Is(err, pkcs12.ErrIncorrectPassword) || errors.Is(err, pkcs12.ErrDecryption) {
		return nil, passwordError(opt)
	}
	if certs, tsErr := pkcs12.DecodeTrustStore(data, opt.PKCS12Password); tsErr == nil {
		in := &Input{Name: name, Kind: KindPKCS12, Leaf: -1}
		for _, c := range certs {
			in.Certs = append(in.Certs, Cert{X509: c})
		}
		if len(in.Certs) == 0 {
			return nil, errors.New("not a certificate: the PKCS#12 trust store is empty")
		}
		return in, nil
	} else if errors.Is(tsErr, pkcs12.ErrIncorrectPassword) || errors.Is(tsErr, pkcs12.ErrDecryption) {
		return nil, passwordError(opt)
	}
	if len(data) > 0 && data[0] == 0x30 {
		return nil, fmt.Errorf("not a certificate: neither a DER certificate nor a PKCS#12 keystore that can be read (%v)", err)
	}
	return nil, errors.New("not a certificate: neither PEM, a DER certificate nor PKCS#12")
}

func passwordError(opt FileOptions) error {
	if opt.PKCS12Password == "" {
		return fmt.Errorf("%w missing: the keystore is encrypted; pass --p12-password-env NAME or --p12-password-file FILE", ErrPKCS12Password)
	}
	return fmt.Errorf("%w incorrect: the password from %s does not open the keystore", ErrPKCS12Password, opt.PasswordHint)
}
