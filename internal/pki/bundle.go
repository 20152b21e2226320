package pki

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"sort"
)

// MergeTrustBundle merges CA certificates from several PEM documents for a
// rotation overlap: duplicates (same DER) are dropped, and the result is
// ordered by expiry, soonest first, then by fingerprint so the output is
// stable. Non-CA certificates are refused: trusting a leaf as an anchor is
// almost always a mistake.
func MergeTrustBundle(pems []string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	seen := map[string]bool{}
	for i, p := range pems {
		certs, err := ParseCertsPEM(p)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		for _, c := range certs {
			if !c.IsCA || !c.BasicConstraintsValid {
				return nil, fmt.Errorf("element %d: %q is not a CA certificate; a trust bundle holds CA certificates (use crank_ca.*.cert_pem)", i, c.Subject.String())
			}
			fp := FingerprintSHA256(c)
			if seen[fp] {
				continue
			}
			seen[fp] = true
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		if !out[a].NotAfter.Equal(out[b].NotAfter) {
			return out[a].NotAfter.Before(out[b].NotAfter)
		}
		return bytes.Compare(out[a].Raw, out[b].Raw) < 0
	})
	return out, nil
}
