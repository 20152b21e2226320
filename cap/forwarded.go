package cap

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
)

// maxForwardedCertificate bounds the URL-encoded PEM a proxy forwards: a
// leaf and a few intermediates are a few KiB, and nothing larger is parsed.
const maxForwardedCertificate = 64 << 10

// errNoForwardedCertificate is no_identity; it names the proxy settings
// that forward the certificate, within the X-Cap-Detail length.
var errNoForwardedCertificate = errors.New("no client certificate forwarded (Envoy: include_peer_certificate; nginx: $ssl_client_escaped_cert)")

// VerifyForwardedCertificate turns a client certificate that a proxy
// forwarded, URL-encoded PEM as Envoy's attributes.source.certificate and
// nginx's $ssl_client_escaped_cert carry it (leaf first, any further
// blocks are intermediates), into the connection state DecidePeer reads.
// The proxy's word is not taken for it: the chain is verified against
// roots for client authentication at now, as the TLS handshake would.
func VerifyForwardedCertificate(escapedPEM string, roots *x509.CertPool, now time.Time) (*tls.ConnectionState, error) {
	if escapedPEM == "" {
		return nil, errNoForwardedCertificate
	}
	if len(escapedPEM) > maxForwardedCertificate {
		return nil, fmt.Errorf("forwarded client certificate is %d bytes, over the %d byte limit", len(escapedPEM), maxForwardedCertificate)
	}
	// PathUnescape, not QueryUnescape: a raw '+' of base64 stays '+'.
	decoded, err := url.PathUnescape(escapedPEM)
	if err != nil {
		return nil, fmt.Errorf("forwarded client certificate is not URL-encoded PEM: %w", err)
	}
	var certs []*x509.Certificate
	for rest := []byte(decoded); ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("forwarded client certificate holds a %q PEM block; only CERTIFICATE blocks are accepted", block.Type)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("forwarded client certificate %d does not parse: %w", len(certs)+1, err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, errors.New("forwarded client certificate holds no PEM certificate")
	}
	intermediates := x509.NewCertPool()
	for _, cert := range certs[1:] {
		intermediates.AddCert(cert)
	}
	chains, err := certs[0].Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: intermediates, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if err != nil {
		return nil, fmt.Errorf("forwarded client certificate (serial %s, subject %q) does not verify against the client trust bundle: %w",
			certs[0].SerialNumber.Text(16), truncateForMessage(certs[0].Subject.String()), err)
	}
	return &tls.ConnectionState{PeerCertificates: certs, VerifiedChains: chains}, nil
}

// DecideForwarded decides for a client certificate a proxy forwarded
// (see VerifyForwardedCertificate). A certificate that is missing is
// no_identity, one that does not verify is identity_invalid; both name the
// problem in Detail.
func (e *Evaluator) DecideForwarded(escapedPEM string, roots *x509.CertPool, now time.Time, capability string) Decision {
	state, err := VerifyForwardedCertificate(escapedPEM, roots, now)
	if err != nil {
		return e.decideIdentityError(err, capability)
	}
	return e.DecidePeer(state, capability)
}

// DecidePrincipal decides for a SPIFFE ID that a proxy has already
// verified (Envoy's attributes.source.principal, the URI SAN of the peer
// certificate). Only use it when the decision server accepts requests from
// that proxy alone: the principal is the proxy's word.
func (e *Evaluator) DecidePrincipal(principal, capability string) Decision {
	switch {
	case principal == "":
		return e.decideIdentityError(fmt.Errorf("%w: the proxy forwarded no principal", errNoPeerCertificate), capability)
	case !strings.HasPrefix(principal, spiffeScheme):
		// Envoy falls back to a DNS SAN or the subject when the
		// certificate has no URI SAN.
		return e.decideIdentityError(fmt.Errorf("%w: the principal %q is not a SPIFFE ID", errNoSPIFFEID, truncateForMessage(principal)), capability)
	}
	id, err := ParseSPIFFEID(principal)
	if err == nil && id.Path == "" {
		err = errors.New("principal names a trust domain, not a workload")
	}
	if err != nil {
		return e.decideIdentityError(fmt.Errorf("principal is not a workload SPIFFE ID: %w", err), capability)
	}
	return e.Decide(id.String(), capability)
}

// CapabilityForForwarded maps a request that a proxy describes (method,
// the request URI as the client sent it, and whether it is gRPC) with the
// same mapping HTTPMiddleware and the interceptors use. A path that is not
// in canonical form (dot segments, double slashes) is an error: the
// backend behind the proxy might resolve it to another route than the one
// decided, so it is refused rather than cleaned.
func (e *Evaluator) CapabilityForForwarded(method, requestURI string, grpc bool) (string, error) {
	if method == "" {
		// net/http would read an empty method as GET.
		return "", errors.New("the proxy forwarded no request method")
	}
	target, err := url.ParseRequestURI(requestURI)
	if err != nil || target.Path == "" || target.Path[0] != '/' {
		return "", fmt.Errorf("request path %q is not an absolute path", truncateForMessage(requestURI))
	}
	if clean := path.Clean(target.Path); clean != target.Path && clean+"/" != target.Path {
		return "", fmt.Errorf("request path %q is not in canonical form; normalise paths at the proxy (Envoy normalize_path and merge_slashes; nginx merge_slashes on)", truncateForMessage(target.Path))
	}
	if grpc {
		name, ok := e.CapabilityForGRPC(target.Path)
		if !ok {
			return "", nil
		}
		return name, nil
	}
	r := &http.Request{Method: method, URL: &url.URL{Path: target.Path, RawPath: target.RawPath}, Host: "", Header: http.Header{}}
	name, _ := e.CapabilityForHTTP(r)
	return name, nil
}

// ForwardedVerifier verifies forwarded certificates like
// VerifyForwardedCertificate and remembers the chains it verified, so a
// proxy asking about the same caller's certificate thousands of times a
// second costs one signature check, not one per request. An entry is
// keyed by the exact bytes forwarded and the trust pool (a reloaded trust
// bundle is a new pool, so it never reuses an old verification) and is
// used only within the validity window of every certificate in its chain.
// Failures are not remembered. It is safe for concurrent use.
type ForwardedVerifier struct {
	max int

	mu      sync.Mutex
	entries map[forwardedKey]verifiedChain
}

// forwardedKey holds the forwarded text itself: hashing it for the map is
// cheaper than a digest, and the cache bound keeps memory at a few MiB.
type forwardedKey struct {
	roots     *x509.CertPool
	forwarded string
}

type verifiedChain struct {
	state               *tls.ConnectionState
	notBefore, notAfter time.Time
}

// DefaultForwardedCacheSize bounds a ForwardedVerifier: one entry per
// distinct caller certificate, its forwarded text (under 64 KiB, typically
// 1-2 KiB) plus the parsed chain.
const DefaultForwardedCacheSize = 4096

// NewForwardedVerifier remembers up to size verified chains (size <= 0
// takes DefaultForwardedCacheSize); when full it starts afresh, which
// costs one verification per caller and keeps memory bounded whatever
// certificates are sent.
func NewForwardedVerifier(size int) *ForwardedVerifier {
	if size <= 0 {
		size = DefaultForwardedCacheSize
	}
	return &ForwardedVerifier{max: size, entries: map[forwardedKey]verifiedChain{}}
}

// Verify is VerifyForwardedCertificate with the verified-chain memory.
func (v *ForwardedVerifier) Verify(escapedPEM string, roots *x509.CertPool, now time.Time) (*tls.ConnectionState, error) {
	if escapedPEM == "" || len(escapedPEM) > maxForwardedCertificate {
		return VerifyForwardedCertificate(escapedPEM, roots, now)
	}
	key := forwardedKey{roots: roots, forwarded: escapedPEM}
	v.mu.Lock()
	entry, ok := v.entries[key]
	v.mu.Unlock()
	if ok && !now.Before(entry.notBefore) && !now.After(entry.notAfter) {
		return entry.state, nil
	}
	state, err := VerifyForwardedCertificate(escapedPEM, roots, now)
	if err != nil {
		return nil, err
	}
	entry = verifiedChain{state: state}
	for i, cert := range state.VerifiedChains[0] {
		if i == 0 || cert.NotBefore.After(entry.notBefore) {
			entry.notBefore = cert.NotBefore
		}
		if i == 0 || cert.NotAfter.Before(entry.notAfter) {
			entry.notAfter = cert.NotAfter
		}
	}
	v.mu.Lock()
	if len(v.entries) >= v.max {
		clear(v.entries)
	}
	v.entries[key] = entry
	v.mu.Unlock()
	return state, nil
}

// Decide is Evaluator.DecideForwarded through the verifier's memory.
func (v *ForwardedVerifier) Decide(e *Evaluator, escapedPEM string, roots *x509.CertPool, now time.Time, capability string) Decision {
	state, err := v.Verify(escapedPEM, roots, now)
	if err != nil {
		return e.decideIdentityError(err, capability)
	}
	return e.DecidePeer(state, capability)
}
