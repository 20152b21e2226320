// Package acmetest runs a real Pebble (Let's Encrypt's ACME test server)
// and its DNS stub pebble-challtestsrv on loopback for tests: Pebble's TLS
// certificate from a root of the test's own, its issuing chain read from
// its management API, and the http-01 port the caller's solver listens on.
package acmetest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
	"github.com/crank-platform/terraform-provider-crank/internal/testsupport"
)

// Version is the Pebble release .ci/run builds.
const Version = "v2.10.3"

// BlockedDomain is a name Pebble refuses (its domainBlocklist).
const BlockedDomain = "blocked.example"

// EAB is the External Account Binding Pebble accepts when it requires one.
var EAB = struct{ KeyID, HMAC string }{"kid-crank", "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W"}

// Binary finds pebble or pebble-challtestsrv in the CI cache .ci/run builds
// into ($CRANK_PEBBLE_DIR overrides the directory). Missing, it skips
// locally and fails under CI.
func Binary(t testing.TB, name string) string {
	t.Helper()
	dir := os.Getenv("CRANK_PEBBLE_DIR")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".cache", "crank-ci", "bin")
	}
	p := filepath.Join(dir, name+"-"+Version)
	if _, err := os.Stat(p); err != nil {
		msg := fmt.Sprintf("%s not found at %s: build it with `GOBIN=DIR go install github.com/letsencrypt/pebble/v2/cmd/%s@%s` and move it there (.ci/run does)", name, p, name, Version)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// Options shape one Pebble.
type Options struct {
	// HTTPPort is where Pebble's validator connects for http-01; 0 picks a
	// free port (Server.HTTPPort says which).
	HTTPPort int
	// RequireEAB makes Pebble refuse accounts without the EAB above.
	RequireEAB bool
}

// Server is a running Pebble with its DNS stub.
type Server struct {
	Directory      string
	CABundlePEM    string // trust for the directory's TLS
	IssuerChainPEM string // issuing intermediate, then Pebble's root
	RootPEM        string
	HTTPPort       int
	mgmt           string
	chall          string
	client         *http.Client
	cmds           []*exec.Cmd
	log            *testsupport.SyncBuffer
	once           sync.Once
}

// FreePort returns a loopback port nothing listens on now.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func freeUDPPort(t testing.TB) int {
	t.Helper()
	for range 20 {
		p := FreePort(t)
		if c, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", p)); err == nil {
			c.Close()
			return p
		}
	}
	t.Fatal("no free UDP port")
	return 0
}

// Start runs Pebble and pebble-challtestsrv; both stop when the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	pebble, chall := Binary(t, "pebble"), Binary(t, "pebble-challtestsrv")
	dir := t.TempDir()
	if o.HTTPPort == 0 {
		o.HTTPPort = FreePort(t)
	}
	now := time.Now().Add(-time.Minute).Truncate(time.Second)
	tlsRootKey, _ := pki.GenerateKey(pki.ECDSAP256)
	tlsRoot, err := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "Pebble TLS Test Root"}, Key: tlsRootKey, NotBefore: now, NotAfter: now.Add(24 * time.Hour), MaxPathLength: 0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srvKey, _ := pki.GenerateKey(pki.ECDSAP256)
	srvCert, err := pki.IssueLeaf(tlsRoot, pki.LeafRequest{PublicKey: srvKey.Public(), DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, Usages: []pki.Usage{pki.UsageServer}, NotBefore: now, NotAfter: now.Add(23 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, _ := pki.EncodePrivateKeyPEM(srvKey)
	certPath, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certPath, []byte(pki.EncodeCertsPEM(srvCert)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, []byte(keyPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	acmePort, mgmtPort, challMgmt, dnsPort := FreePort(t), FreePort(t), FreePort(t), freeUDPPort(t)
	cfg := map[string]any{"pebble": map[string]any{
		"listenAddress":                  fmt.Sprintf("127.0.0.1:%d", acmePort),
		"managementListenAddress":        fmt.Sprintf("127.0.0.1:%d", mgmtPort),
		"certificate":                    certPath,
		"privateKey":                     keyPath,
		"httpPort":                       o.HTTPPort,
		"tlsPort":                        FreePort(t),
		"ocspResponderURL":               "",
		"externalAccountBindingRequired": o.RequireEAB,
		"externalAccountMACKeys":         map[string]string{EAB.KeyID: EAB.HMAC},
		"domainBlocklist":                []string{BlockedDomain},
		"retryAfter":                     map[string]int{"authz": 1, "order": 1},
		"keyAlgorithm":                   "ecdsa",
		"profiles":                       map[string]any{"default": map[string]any{"description": "default", "validityPeriod": 7776000}},
	}}
	raw, _ := json.MarshalIndent(cfg, "", "  ")
	cfgPath := filepath.Join(dir, "pebble.json")
	if err := os.WriteFile(cfgPath, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	log := &testsupport.SyncBuffer{}
	s := &Server{Directory: fmt.Sprintf("https://127.0.0.1:%d/dir", acmePort), CABundlePEM: pki.EncodeCertsPEM(tlsRoot.Cert), HTTPPort: o.HTTPPort,
		mgmt: fmt.Sprintf("https://127.0.0.1:%d", mgmtPort), chall: fmt.Sprintf("http://127.0.0.1:%d", challMgmt), log: log}
	pool := x509.NewCertPool()
	pool.AddCert(tlsRoot.Cert)
	s.client = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}

	challCmd := exec.Command(chall, "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "", "-dnsserver", fmt.Sprintf("127.0.0.1:%d", dnsPort),
		"-management", fmt.Sprintf("127.0.0.1:%d", challMgmt), "-http01", "", "-https01", "", "-tlsalpn01", "", "-doh", "")
	pebbleCmd := exec.Command(pebble, "-config", cfgPath, "-dnsserver", fmt.Sprintf("127.0.0.1:%d", dnsPort))
	// No random validation delays; the 5 % rejected nonces stay on purpose.
	pebbleCmd.Env = append(os.Environ(), "PEBBLE_VA_NOSLEEP=1")
	for _, c := range []*exec.Cmd{challCmd, pebbleCmd} {
		c.Stdout, c.Stderr = log, log
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		s.cmds = append(s.cmds, c)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("pebble log:\n%s", log.String())
		}
	})
	s.waitReady(t)
	root, inter := s.get(t, "/roots/0"), s.get(t, "/intermediates/0")
	s.RootPEM = root
	s.IssuerChainPEM = inter + root
	return s
}

func (s *Server) waitReady(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		resp, err := s.client.Get(s.Directory)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				if r2, err := http.Get(s.chall + "/"); err == nil {
					r2.Body.Close()
					return
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("pebble did not answer %s within 60 s; log:\n%s", s.Directory, s.log.String())
}

func (s *Server) get(t testing.TB, path string) string {
	t.Helper()
	resp, err := s.client.Get(s.mgmt + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("pebble %s: HTTP %d: %s", path, resp.StatusCode, b)
	}
	return string(b)
}

// Stop ends both servers (idempotent); tests of a stopped CA call it.
func (s *Server) Stop() {
	s.once.Do(func() {
		for _, c := range s.cmds {
			_ = c.Process.Kill()
			_ = c.Wait()
		}
	})
}

// Log is what Pebble and the DNS stub printed so far.
func (s *Server) Log() string { return s.log.String() }

// CertStatus asks Pebble's management API whether the certificate with
// this serial is "Valid" or "Revoked", and with which reason.
func (s *Server) CertStatus(t testing.TB, serial *big.Int) (status string, reason int) {
	t.Helper()
	resp, err := s.client.Get(s.mgmt + "/cert-status-by-serial/" + serial.Text(16))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return "unknown", -1
	}
	var st struct {
		Status string
		Reason *int
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	reason = -1
	if st.Reason != nil {
		reason = *st.Reason
	}
	return st.Status, reason
}

// SetRenewalInfo makes Pebble's renewalInfo answer for cert suggest the
// window [start, end].
func (s *Server) SetRenewalInfo(t testing.TB, certPEM string, start, end time.Time) {
	t.Helper()
	ari, _ := json.Marshal(map[string]any{"suggestedWindow": map[string]string{"start": start.UTC().Format(time.RFC3339), "end": end.UTC().Format(time.RFC3339)}})
	body, _ := json.Marshal(map[string]string{"Certificate": certPEM, "ARIResponse": string(ari)})
	resp, err := s.client.Post(s.mgmt+"/set-renewal-info/", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("set-renewal-info: HTTP %d: %s", resp.StatusCode, b)
	}
}

// ChallengeServer is the DNS stub's management URL, for dns-01 hooks
// (POST /set-txt {"host","value"}, POST /clear-txt {"host"}).
func (s *Server) ChallengeServer() string { return s.chall }

// DNSHook writes a dns-01 hook script that sets and clears TXT records in
// the DNS stub with curl, as a real hook would call a DNS provider's API.
func (s *Server) DNSHook(t testing.TB) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "dns01-hook.sh")
	script := strings.Join([]string{
		"#!/bin/sh",
		"# usage: dns01-hook.sh present|cleanup FQDN VALUE",
		"set -eu",
		`case "$1" in`,
		`present) curl -fsS -X POST -d "{\"host\":\"$2\",\"value\":\"$3\"}" ` + s.chall + `/set-txt ;;`,
		`cleanup) curl -fsS -X POST -d "{\"host\":\"$2\"}" ` + s.chall + `/clear-txt ;;`,
		`*) echo "unknown action $1" >&2; exit 2 ;;`,
		"esac",
	}, "\n") + "\n"
	if err := os.WriteFile(p, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}
