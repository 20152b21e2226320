package cap

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
)

var errNoSPIFFEID = errors.New("certificate has no SPIFFE ID URI SAN")

// PeerSPIFFEID returns the SPIFFE ID of a verified TLS peer. Only a chain
// the handshake verified counts, and the leaf must carry exactly one URI
// SAN, as the X.509-SVID specification requires.
func PeerSPIFFEID(state *tls.ConnectionState) (SPIFFEID, error) {
	if state == nil {
		return SPIFFEID{}, errors.New("connection is not TLS")
	}
	if len(state.VerifiedChains) == 0 || len(state.PeerCertificates) == 0 {
		return SPIFFEID{}, errors.New("peer presented no verified client certificate")
	}
	return certificateSPIFFEID(state.PeerCertificates[0])
}

func certificateSPIFFEID(cert *x509.Certificate) (SPIFFEID, error) {
	switch len(cert.URIs) {
	case 0:
		return SPIFFEID{}, errNoSPIFFEID
	case 1:
	default:
		return SPIFFEID{}, fmt.Errorf("certificate has %d URI SANs; an X.509-SVID has exactly one", len(cert.URIs))
	}
	id, err := ParseSPIFFEID(cert.URIs[0].String())
	if err != nil {
		return SPIFFEID{}, err
	}
	if id.Path == "" {
		return SPIFFEID{}, errors.New("certificate SPIFFE ID names a trust domain, not a workload")
	}
	return id, nil
}
