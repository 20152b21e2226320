package certs

import (
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// LoadBundle reads the trust anchors chains are verified against: PEM or
// DER CA certificates. A leaf in a bundle is refused, as crank's trust
// bundles refuse it: trusting a leaf as an anchor is almost always a mistake.
func LoadBundle(paths []string) ([]*x509.Certificate, error) {
	var pems []string
	for _, p := range paths {
		in, err := LoadFile(p, FileOptions{})
		if err != nil {
			return nil, fmt.Errorf("--bundle %w", err)
		}
		pems = append(pems, pki.EncodeCertsPEM(in.x509()...))
	}
	out, err := pki.MergeTrustBundle(pems)
	if err != nil {
		return nil, fmt.Errorf("--bundle: %w", err)
	}
	return out, nil
}

func (in *Input) x509() []*x509.Certificate {
	out := make([]*x509.Certificate, len(in.Certs))
	for i, c := range in.Certs {
		out[i] = c.X509
	}
	return out
}

// CRL is one revocation list and the file it came from.
type CRL struct {
	Path string
	List *x509.RevocationList
}

// LoadCRLs reads CRLs in PEM ("X509 CRL" blocks, several per file) or DER.
// Their signatures are checked later, against the issuer of each
// certificate they are used for: a CRL is only as good as its signer.
func LoadCRLs(paths []string) ([]CRL, error) {
	var out []CRL
	for _, p := range paths {
		data, err := readBounded(p, "CRLs")
		if err != nil {
			return nil, fmt.Errorf("--crl %s: %w", p, err)
		}
		var ders [][]byte
		if blocks, err := decodePEM(data, "X509 CRL"); err != nil {
			return nil, fmt.Errorf("--crl %s: %w", p, err)
		} else if len(blocks) > 0 {
			for _, b := range blocks {
				ders = append(ders, b.der)
			}
		} else {
			ders = [][]byte{data}
		}
		for i, der := range ders {
			l, err := x509.ParseRevocationList(der)
			if err != nil {
				if len(ders) == 1 {
					return nil, fmt.Errorf("--crl %s: not a CRL (PEM \"X509 CRL\" or DER): %w", p, err)
				}
				return nil, fmt.Errorf("--crl %s: CRL %d cannot be parsed: %w", p, i+1, err)
			}
			out = append(out, CRL{Path: p, List: l})
		}
	}
	if len(paths) > 0 && len(out) == 0 {
		return nil, errors.New("--crl: no CRL found")
	}
	return out, nil
}
