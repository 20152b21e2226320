package cap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// TLSFiles names a worker's PEM files: its certificate (leaf first, then
// any intermediates), its private key, and the CA bundle that client
// certificates must chain to.
type TLSFiles struct {
	CertFile string
	KeyFile  string
	CAFile   string
}

func (f TLSFiles) paths() []string { return []string{f.CertFile, f.KeyFile, f.CAFile} }

// WorkerTLS holds a worker's mTLS material and swaps in rotated files
// without a restart. Handshakes read the current material through
// GetConfigForClient, so a rotation applies to the next connection.
type WorkerTLS struct {
	files  TLSFiles
	logger *slog.Logger
	now    func() time.Time

	current atomic.Pointer[tlsMaterial]

	mu           sync.Mutex
	failedDigest string
	reloads      atomic.Uint64
	failures     atomic.Uint64
}

type tlsMaterial struct {
	config   *tls.Config
	leaf     *x509.Certificate
	chain    []*x509.Certificate
	cas      []*x509.Certificate
	identity SPIFFEID
	digest   string
}

// LoadWorkerTLS loads and checks the certificate, key and CA bundle
// before a server starts. Any problem is an error: there is no plaintext
// or unauthenticated fallback. now may be nil for time.Now.
func LoadWorkerTLS(files TLSFiles, logger *slog.Logger, now func() time.Time) (*WorkerTLS, error) {
	if logger == nil {
		logger = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	w := &WorkerTLS{files: files, logger: logger, now: now}
	material, err := w.load()
	if err != nil {
		return nil, err
	}
	w.current.Store(material)
	logger.Info("worker TLS material loaded", "cert", files.CertFile, "ca", files.CAFile,
		"identity", material.identity.String(), "not_after", material.leaf.NotAfter.UTC().Format(time.RFC3339))
	return w, nil
}

// ServerConfig returns the config to serve with: TLS 1.2 or newer, and a
// client certificate that chains to the CA bundle is required.
func (w *WorkerTLS) ServerConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		ClientAuth: tls.RequireAndVerifyClientCert,
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			return w.current.Load().config, nil
		},
	}
}

// Identity is the SPIFFE ID in the worker's own certificate, or the zero
// SPIFFEID when it has none.
func (w *WorkerTLS) Identity() SPIFFEID { return w.current.Load().identity }

// Reload re-reads the files when what any of them holds changed (by
// content digest, not size and mtime). On error the current material stays
// in use and the failure is logged once per file version.
func (w *WorkerTLS) Reload() (changed bool, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	version := fileVersion(w.files.paths()...)
	if version == w.current.Load().digest || version == w.failedDigest {
		return false, nil
	}
	material, err := w.load()
	if err != nil {
		w.failedDigest = version
		w.failures.Add(1)
		w.logger.Error("worker TLS reload failed; keeping the current certificate", "error", err.Error(),
			"not_after", w.current.Load().leaf.NotAfter.UTC().Format(time.RFC3339))
		return false, err
	}
	w.failedDigest = ""
	w.current.Store(material)
	w.reloads.Add(1)
	w.logger.Info("worker TLS material reloaded", "identity", material.identity.String(),
		"not_after", material.leaf.NotAfter.UTC().Format(time.RFC3339))
	return true, nil
}

// ReloadCounts reports reloads that changed the material and refused ones.
func (w *WorkerTLS) ReloadCounts() (reloaded, failed uint64) {
	return w.reloads.Load(), w.failures.Load()
}

// Certificates returns the certificates in use: the leaf, the chain
// certificates after it in the certificate file, and the CA file's.
func (w *WorkerTLS) Certificates() (leaf *x509.Certificate, chain, cas []*x509.Certificate) {
	m := w.current.Load()
	return m.leaf, m.chain, m.cas
}

// Watch polls the files every interval until ctx ends. Rotation tools
// write the certificate and key one after the other; a poll that sees only
// one of them fails the pair check, keeps the old pair and retries on the
// next change.
func (w *WorkerTLS) Watch(ctx context.Context, interval time.Duration) {
	pollEvery(ctx, interval, func() { _, _ = w.Reload() })
}

func (w *WorkerTLS) load() (*tlsMaterial, error) {
	certPEM, err := readPEMFile("certificate", w.files.CertFile)
	if err != nil {
		return nil, err
	}
	keyPEM, err := readPEMFile("private key", w.files.KeyFile)
	if err != nil {
		return nil, err
	}
	caPEM, err := readPEMFile("CA bundle", w.files.CAFile)
	if err != nil {
		return nil, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("certificate %s and key %s do not form a pair: %w; check both files come from the same issuance", w.files.CertFile, w.files.KeyFile, err)
	}
	leaf := pair.Leaf
	now := w.now()
	if now.Before(leaf.NotBefore) {
		return nil, fmt.Errorf("certificate %s is not valid before %s; check the clock or reissue it", w.files.CertFile, leaf.NotBefore.UTC().Format(time.RFC3339))
	}
	if now.After(leaf.NotAfter) {
		return nil, fmt.Errorf("certificate %s expired at %s; reissue it", w.files.CertFile, leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	roots, cas, err := parseCABundle(w.files.CAFile, caPEM)
	if err != nil {
		return nil, err
	}
	intermediates := x509.NewCertPool()
	var chain []*x509.Certificate
	for _, der := range pair.Certificate[1:] {
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("certificate %s holds an unparsable chain certificate: %w", w.files.CertFile, err)
		}
		intermediates.AddCert(cert)
		chain = append(chain, cert)
	}
	// The worker pattern has one CA for both sides; a server certificate
	// that does not chain to it means the files are mixed up.
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return nil, fmt.Errorf("certificate %s does not chain to the CA bundle %s: %w; pass the CA that issued it", w.files.CertFile, w.files.CAFile, err)
	}
	identity, err := certificateSPIFFEID(leaf)
	if err != nil && !errors.Is(err, errNoSPIFFEID) {
		return nil, fmt.Errorf("certificate %s: %w", w.files.CertFile, err)
	}
	return &tlsMaterial{
		config: &tls.Config{
			MinVersion:   tls.VersionTLS12,
			ClientAuth:   tls.RequireAndVerifyClientCert,
			ClientCAs:    roots,
			Certificates: []tls.Certificate{pair},
			NextProtos:   []string{"h2", "http/1.1"},
		},
		leaf:     leaf,
		chain:    chain,
		cas:      cas,
		identity: identity,
		digest:   digestOfContents(certPEM, keyPEM, caPEM),
	}, nil
}

func readPEMFile(what, path string) ([]byte, error) {
	if path == "" {
		return nil, fmt.Errorf("no %s file given", what)
	}
	data, err := readBounded(path, maxWatchedFileSize)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%s file %s is empty", what, path)
	}
	return data, nil
}

func parseCABundle(path string, data []byte) (*x509.CertPool, []*x509.Certificate, error) {
	pool := x509.NewCertPool()
	var certs []*x509.Certificate
	count := 0
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, nil, fmt.Errorf("CA bundle %s holds a %q PEM block; it must hold only CERTIFICATE blocks (is it the key file?)", path, block.Type)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, nil, fmt.Errorf("CA bundle %s: certificate %d does not parse: %w", path, count+1, err)
		}
		if !cert.IsCA {
			return nil, nil, fmt.Errorf("CA bundle %s: certificate %d (%s) is not a CA certificate; pass the issuing CA, not a leaf", path, count+1, cert.Subject)
		}
		pool.AddCert(cert)
		certs = append(certs, cert)
		count++
	}
	if count == 0 {
		return nil, nil, fmt.Errorf("CA bundle %s holds no PEM certificate", path)
	}
	return pool, certs, nil
}
