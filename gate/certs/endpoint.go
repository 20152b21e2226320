package certs

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/safefile"
)

// Target is one command-line argument: a file or a TLS endpoint.
type Target struct {
	// Path is set for a file.
	Path string
	// Host and Port are set for an endpoint; Name is how findings name it.
	Host, Port, Name string
}

// ParseTarget tells files from endpoints. https://HOST[:PORT][/...] and
// tls://HOST:PORT are endpoints; a bare HOST:PORT is one unless a file of
// that name exists, and when both readings are possible the run stops
// rather than guess (a file named like a host must not be scanned in its
// place, nor the other way round).
func ParseTarget(arg string) (Target, error) {
	if scheme, rest, ok := strings.Cut(arg, "://"); ok {
		u, err := url.Parse(arg)
		if err != nil || u.Host == "" {
			return Target{}, fmt.Errorf("%q is not a URL: write https://HOST[:PORT] or tls://HOST:PORT", arg)
		}
		switch strings.ToLower(scheme) {
		case "https":
			port := u.Port()
			if port == "" {
				port = "443"
			}
			return endpointTarget(u.Hostname(), port, arg)
		case "tls":
			if u.Port() == "" || strings.Trim(rest, "/") != u.Host {
				return Target{}, fmt.Errorf("%q: write tls://HOST:PORT (a port, no path)", arg)
			}
			return endpointTarget(u.Hostname(), u.Port(), "")
		}
		return Target{}, fmt.Errorf("%q: only https:// and tls:// endpoints are supported (a plain-text scheme has no certificate)", arg)
	}
	host, port, splitErr := net.SplitHostPort(arg)
	// A path separator makes it a path, never a host.
	if strings.ContainsAny(host, `/\`) {
		splitErr = errors.New("a path")
	}
	_, statErr := os.Lstat(arg)
	if statErr == nil {
		if splitErr == nil && validPort(port) {
			return Target{}, fmt.Errorf("%q is both a file and a HOST:PORT: write ./%s for the file or tls://%s for the endpoint", arg, arg, arg)
		}
		return Target{Path: arg}, nil
	}
	if splitErr == nil && host != "" && validPort(port) {
		return endpointTarget(host, port, "")
	}
	return Target{Path: arg}, nil
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n <= 65535 && strconv.Itoa(n) == p
}

func endpointTarget(host, port, name string) (Target, error) {
	if host == "" || !validPort(port) {
		return Target{}, fmt.Errorf("%q: expected HOST:PORT with a port from 1 to 65535", net.JoinHostPort(host, port))
	}
	if name == "" {
		name = "tls://" + net.JoinHostPort(host, port)
	}
	return Target{Host: host, Port: port, Name: name}, nil
}

// Endpoint is the file path or endpoint name, for messages.
func (t Target) String() string {
	if t.Path != "" {
		return t.Path
	}
	return t.Name
}

// DialOptions configure the TLS connection to an endpoint.
type DialOptions struct {
	// ServerName is sent as SNI (default: the host, unless it is an IP).
	ServerName string
	// ClientCert is presented to servers that ask for one (mTLS).
	ClientCert *tls.Certificate
	Timeout    time.Duration
}

// alertWait is how long, after a handshake in which the server asked for a
// client certificate, the command waits for the server to refuse it. In
// TLS 1.3 the client's handshake ends before the server has checked the
// client certificate, so a refusal only arrives as a later alert.
const alertWait = 500 * time.Millisecond

// Dial connects, completes a TLS handshake and returns the certificates
// the server presented. Nothing is sent after the handshake. The chain is
// not verified here (the handshake skips verification so that an expired
// or untrusted certificate can still be reported); the checks verify it
// against --bundle afterwards.
func Dial(ctx context.Context, t Target, opt DialOptions) (*Input, error) {
	fail := func(err error) (*Input, error) { return nil, &InputError{Name: t.Name, Err: err} }
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	sni := opt.ServerName
	if sni == "" && net.ParseIP(t.Host) == nil {
		sni = t.Host
	}
	var presented [][]byte
	asked := false
	cfg := &tls.Config{
		ServerName: sni,
		// Verification is done after the handshake against --bundle,
		// never against the system roots, and nothing is sent on the
		// connection: it only exists to read the server's certificates.
		InsecureSkipVerify: true, //nolint:gosec // see above
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			presented = raw
			return nil
		},
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			asked = true
			if opt.ClientCert != nil {
				return opt.ClientCert, nil
			}
			return &tls.Certificate{}, nil
		},
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	d := tls.Dialer{NetDialer: &net.Dialer{}, Config: cfg}
	addr := net.JoinHostPort(t.Host, t.Port)
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fail(handshakeError(err, asked, opt, ctx))
	}
	defer conn.Close()
	if asked {
		_ = conn.SetReadDeadline(time.Now().Add(alertWait))
		var one [1]byte
		if _, err := conn.Read(one[:]); err != nil {
			var ne net.Error
			// A timeout means no refusal came; EOF is a server that
			// closed without an alert, which refuses nothing either.
			if !errors.Is(err, io.EOF) && (!errors.As(err, &ne) || !ne.Timeout()) {
				return fail(handshakeError(err, asked, opt, ctx))
			}
		}
	}
	if len(presented) == 0 {
		return fail(errors.New("the server presented no certificate"))
	}
	in := &Input{Name: t.Name, Kind: KindEndpoint, Leaf: 0}
	for i, der := range presented {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return fail(fmt.Errorf("certificate %d the server presented cannot be parsed: %w", i+1, err))
		}
		in.Certs = append(in.Certs, Cert{X509: c})
	}
	return in, nil
}

func handshakeError(err error, asked bool, opt DialOptions, ctx context.Context) error {
	if ctx.Err() != nil {
		return fmt.Errorf("unreachable: no TLS handshake within %s (%v)", opt.Timeout, err)
	}
	switch {
	case asked && opt.ClientCert == nil:
		return fmt.Errorf("the server requires a client certificate (mTLS) and refused the handshake without one (%v): pass --client-cert and --client-key", err)
	case asked:
		return fmt.Errorf("the server refused the client certificate given with --client-cert (%v): check that it is valid and issued by a CA the server trusts", err)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return fmt.Errorf("unreachable: %v", err)
	}
	return fmt.Errorf("TLS handshake failed: %v", err)
}

// LoadClientCert reads the client certificate and its unencrypted PEM key
// for mTLS endpoints. The key is read from a regular file only and never
// appears in an error.
func LoadClientCert(certPath, keyPath string) (*tls.Certificate, error) {
	certPEM, err := safefile.ReadFile(certPath, MaxFileBytes)
	if err != nil {
		return nil, fmt.Errorf("--client-cert %s: %v", certPath, err)
	}
	keyPEM, err := safefile.ReadFile(keyPath, 1<<20)
	if err != nil {
		return nil, fmt.Errorf("--client-key %s: %v", keyPath, err)
	}
	kp, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("--client-cert %s with --client-key %s: %v (the key must be an unencrypted PEM private key of that certificate)", certPath, keyPath, err)
	}
	return &kp, nil
}
