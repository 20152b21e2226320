package cap

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
)

var (
	errNoSPIFFEID        = errors.New("certificate has no SPIFFE ID URI SAN")
	errNotTLS            = errors.New("connection is not TLS")
	errNoPeerCertificate = errors.New("peer presented no verified client certificate")
)

// identityReason tells a missing identity (no_identity) from a certificate
// that carries a URI SAN the X.509-SVID rules refuse (identity_invalid),
// which is usually an issuance mistake worth naming.
func identityReason(err error) Reason {
	if errors.Is(err, errNoSPIFFEID) || errors.Is(err, errNotTLS) || errors.Is(err, errNoPeerCertificate) || errors.Is(err, errNoForwardedCertificate) {
		return ReasonNoIdentity
	}
	return ReasonIdentityInvalid
}

// peerAttrs describe the peer of a refused identity for the log: address,
// and the leaf's serial, subject and issuer. Certificates are public; no
// key material or header is logged.
func peerAttrs(remoteAddr string, state *tls.ConnectionState) []slog.Attr {
	attrs := []slog.Attr{slog.String("peer_addr", remoteAddr)}
	if state != nil && len(state.PeerCertificates) > 0 {
		leaf := state.PeerCertificates[0]
		attrs = append(attrs,
			slog.String("peer_serial", leaf.SerialNumber.Text(16)),
			slog.String("peer_subject", truncateForMessage(leaf.Subject.String())),
			slog.String("peer_issuer", truncateForMessage(leaf.Issuer.String())))
	}
	return attrs
}

// PeerSPIFFEID returns the SPIFFE ID of a verified TLS peer. Only a chain
// the handshake verified counts, and the leaf must carry exactly one URI
// SAN, as the X.509-SVID specification requires.
func PeerSPIFFEID(state *tls.ConnectionState) (SPIFFEID, error) {
	if state == nil {
		return SPIFFEID{}, errNotTLS
	}
	if len(state.VerifiedChains) == 0 || len(state.PeerCertificates) == 0 {
		return SPIFFEID{}, errNoPeerCertificate
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
		return SPIFFEID{}, fmt.Errorf("certificate URI SAN is not a SPIFFE ID: %w", err)
	}
	if id.Path == "" {
		return SPIFFEID{}, errors.New("certificate SPIFFE ID names a trust domain, not a workload")
	}
	return id, nil
}
