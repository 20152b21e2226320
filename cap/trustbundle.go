package cap

import (
	"context"
	"crypto/x509"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// TrustBundle is a PEM file of CA certificates that client certificates
// forwarded by a proxy must chain to, reloaded like the other runtime
// files: by content digest, keeping the last good version on error.
type TrustBundle struct {
	path   string
	logger *slog.Logger

	current atomic.Pointer[trustMaterial]

	mu           sync.Mutex
	failedDigest string
	reloads      atomic.Uint64
	failures     atomic.Uint64
}

type trustMaterial struct {
	pool   *x509.CertPool
	certs  []*x509.Certificate
	digest string
}

// LoadTrustBundle reads the CA file at path; a file with anything but CA
// certificates in it is an error, as for LoadWorkerTLS.
func LoadTrustBundle(path string, logger *slog.Logger) (*TrustBundle, error) {
	if logger == nil {
		logger = slog.Default()
	}
	t := &TrustBundle{path: path, logger: logger}
	material, err := t.load()
	if err != nil {
		return nil, err
	}
	t.current.Store(material)
	logger.Info("client trust bundle loaded", "path", path, "certificates", len(material.certs))
	return t, nil
}

func (t *TrustBundle) load() (*trustMaterial, error) {
	data, err := readPEMFile("client trust bundle", t.path)
	if err != nil {
		return nil, err
	}
	pool, certs, err := parseCABundle(t.path, data)
	if err != nil {
		return nil, err
	}
	return &trustMaterial{pool: pool, certs: certs, digest: digestOfContents(data)}, nil
}

// Pool is the current set of trusted CAs.
func (t *TrustBundle) Pool() *x509.CertPool { return t.current.Load().pool }

// Certificates are the current CA certificates, for expiry metrics.
func (t *TrustBundle) Certificates() []*x509.Certificate { return t.current.Load().certs }

// Reload re-reads the file when its content changed; on error the current
// CAs stay in use and the failure is logged once per file version.
func (t *TrustBundle) Reload() (changed bool, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	version := fileVersion(t.path)
	if version == t.current.Load().digest || version == t.failedDigest {
		return false, nil
	}
	material, err := t.load()
	if err != nil {
		t.failedDigest = version
		t.failures.Add(1)
		t.logger.Error("client trust bundle reload failed; keeping the current CAs", "path", t.path, "error", err.Error())
		return false, err
	}
	t.failedDigest = ""
	t.current.Store(material)
	t.reloads.Add(1)
	t.logger.Info("client trust bundle reloaded", "path", t.path, "certificates", len(material.certs))
	return true, nil
}

// Watch polls the file every interval until ctx ends.
func (t *TrustBundle) Watch(ctx context.Context, interval time.Duration) {
	pollEvery(ctx, interval, func() { _, _ = t.Reload() })
}

// ReloadCounts reports reloads that changed the CAs and refused ones.
func (t *TrustBundle) ReloadCounts() (reloaded, failed uint64) {
	return t.reloads.Load(), t.failures.Load()
}
