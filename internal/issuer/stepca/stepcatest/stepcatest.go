// Package stepcatest runs a real step-ca on loopback for tests: its own root
// and intermediate, a JWK provisioner whose key is encrypted with a password,
// and a badger database in a temporary directory.
package stepcatest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
	"github.com/crank-platform/terraform-provider-crank/internal/testsupport"
)

// Version is the step-ca release .ci/run builds.
const Version = "v0.30.2"

// Provisioner is the JWK provisioner's name.
const Provisioner = "crank"

// Binary finds step-ca: $CRANK_STEP_CA, or the CI cache .ci/run builds it
// into. Missing, it skips locally and fails under CI.
func Binary(t testing.TB) string {
	t.Helper()
	p := os.Getenv("CRANK_STEP_CA")
	if p == "" {
		home, _ := os.UserHomeDir()
		p = filepath.Join(home, ".cache", "crank-ci", "bin", "step-ca-"+Version)
	}
	if _, err := os.Stat(p); err != nil {
		msg := fmt.Sprintf("step-ca not found at %s: build it with `CGO_ENABLED=0 GOBIN=$HOME/.cache/crank-ci/bin go install github.com/smallstep/certificates/cmd/step-ca@%s` and rename it step-ca-%s (.ci/run does)", p, Version, Version)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// Server is a running step-ca.
type Server struct {
	URL             string
	RootFingerprint string
	RootPEM         string
	IntermediatePEM string
	Password        string
	ACMEDirectory   string // set by StartACME
	cmd             *exec.Cmd
	log             *testsupport.SyncBuffer
	once            sync.Once
}

// Stop ends the server (idempotent); tests of an unreachable CA call it.
func (s *Server) Stop() {
	s.once.Do(func() {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	})
}

// Start writes a CA and starts step-ca on a free loopback port; it is
// stopped when the test ends.
func Start(t testing.TB, password string) *Server {
	t.Helper()
	return start(t, password, true, nil, nil)
}

// StartWithoutCRL is Start with step-ca's CRL disabled (its default), for
// the diagnostic of a CA that publishes none.
func StartWithoutCRL(t testing.TB, password string) *Server {
	t.Helper()
	return start(t, password, false, nil, nil)
}

// start is Start with the CRL switch, more provisioners and step-ca flags
// (see acme.go).
func start(t testing.TB, password string, crl bool, extraProvisioners []any, flags []string) *Server {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()
	// Backdated, so tests that run the provider clock some days behind (to
	// renew with an injected clock) still ask for times inside the CA's.
	now := time.Now().Add(-72 * time.Hour).Truncate(time.Second)
	rootKey, _ := pki.GenerateKey(pki.ECDSAP256)
	root, err := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "step-ca Test Root"}, Key: rootKey, NotBefore: now, NotAfter: now.Add(30 * 24 * time.Hour), MaxPathLength: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	interKey, _ := pki.GenerateKey(pki.ECDSAP256)
	inter, err := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "step-ca Test Intermediate"}, Key: interKey, NotBefore: now, NotAfter: now.Add(29 * 24 * time.Hour), MaxPathLength: 0}, root)
	if err != nil {
		t.Fatal(err)
	}
	writePEM := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	interDER, _ := x509.MarshalPKCS8PrivateKey(interKey)
	rootPath := writePEM("root.crt", "CERTIFICATE", root.Cert.Raw)
	interPath := writePEM("intermediate.crt", "CERTIFICATE", inter.Cert.Raw)
	keyPath := writePEM("intermediate.key", "PRIVATE KEY", interDER)

	pub, enc := provisionerKey(t, password)
	port := testsupport.FreePort(t)
	cfg := map[string]any{
		"root": rootPath, "crt": interPath, "key": keyPath,
		"address":  fmt.Sprintf("127.0.0.1:%d", port),
		"dnsNames": []string{"127.0.0.1"},
		"logger":   map[string]any{"format": "text"},
		"db":       map[string]any{"type": "badgerv2", "dataSource": filepath.Join(dir, "db")},
		// A CRL at /1.0/crl, signed again on every revocation.
		"crl": map[string]any{"enabled": crl, "generateOnRevoke": true},
		"authority": map[string]any{
			"provisioners": append([]any{map[string]any{
				"type": "JWK", "name": Provisioner, "key": pub, "encryptedKey": enc,
				"claims": map[string]any{"minTLSCertDuration": "5m", "maxTLSCertDuration": "2400h", "defaultTLSCertDuration": "24h"},
			}}, extraProvisioners...),
		},
	}
	raw, _ := json.MarshalIndent(cfg, "", "  ")
	caJSON := filepath.Join(dir, "ca.json")
	if err := os.WriteFile(caJSON, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	log := &testsupport.SyncBuffer{}
	cmd := exec.Command(bin, append(flags, caJSON)...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(root.Cert.Raw)
	s := &Server{URL: fmt.Sprintf("https://127.0.0.1:%d", port), RootFingerprint: hex.EncodeToString(sum[:]), RootPEM: pki.EncodeCertsPEM(root.Cert), IntermediatePEM: pki.EncodeCertsPEM(inter.Cert), Password: password, cmd: cmd, log: log}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("step-ca log:\n%s", log.String())
		}
	})
	pool := x509.NewCertPool()
	pool.AddCert(root.Cert)
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/health", nil)
		if resp, err := c.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("step-ca did not answer /health within 90 s; log:\n%s", log.String())
	return nil
}

// provisionerKey makes a JWK provisioner key as `step ca provisioner add`
// does: the public JWK, and the private JWK encrypted with the password
// (PBES2-HS256+A128KW, A256GCM) in compact JWE form.
func provisionerKey(t testing.TB, password string) (map[string]any, string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	jwk := jose.JSONWebKey{Key: priv, Algorithm: string(jose.ES256), Use: "sig"}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	jwk.KeyID = base64.RawURLEncoding.EncodeToString(tp)
	pubJSON, _ := json.Marshal(jwk.Public())
	var pub map[string]any
	_ = json.Unmarshal(pubJSON, &pub)
	privJSON, _ := json.Marshal(jwk)
	encrypter, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.PBES2_HS256_A128KW, Key: []byte(password), PBES2Count: 100000}, (&jose.EncrypterOptions{}).WithContentType("jwk+json"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := encrypter.Encrypt(privJSON)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return pub, enc
}
