package cap_test

import (
	"crypto"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/cap"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// GnuTLS 3.7 ignores URI name constraints, so a crank service must never be
// the weak link: the worker's server config (Go's verifier) rejects a client
// whose SPIFFE ID is outside its CA's permitted URI domains, even when the
// CA's own key signed it.
func TestWorkerTLSRejectsURIOutsideNameConstraints(t *testing.T) {
	now := time.Now().Add(-time.Minute).Truncate(time.Second)
	rootKey, _ := pki.GenerateKey(pki.ECDSAP256)
	root, err := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "root"}, Key: rootKey, NotBefore: now, NotAfter: now.Add(time.Hour), MaxPathLength: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	interKey, _ := pki.GenerateKey(pki.ECDSAP256)
	inter, err := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "services"}, Key: interKey, NotBefore: now, NotAfter: now.Add(time.Hour),
		NameConstraints: pki.NameConstraints{Critical: true, PermittedURIDomain: []string{"crank.internal"}}}, root)
	if err != nil {
		t.Fatal(err)
	}
	// bypass signs with the intermediate's key directly, as a compromised or
	// careless issuer would, skipping crank's policy.
	bypass := func(spiffe string) (*x509.Certificate, crypto.Signer) {
		key, _ := pki.GenerateKey(pki.ECDSAP256)
		u, _ := url.Parse(spiffe)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), NotBefore: now, NotAfter: now.Add(30 * time.Minute),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
			URIs: []*url.URL{u}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, inter.Cert, key.Public(), inter.Key)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(der)
		return c, key
	}
	dir := t.TempDir()
	server, serverKey := bypass("spiffe://crank.internal/worker")
	keyPEM, _ := pki.EncodePrivateKeyPEM(serverKey)
	files := cap.TLSFiles{CertFile: filepath.Join(dir, "cert.pem"), KeyFile: filepath.Join(dir, "key.pem"), CAFile: filepath.Join(dir, "ca.pem")}
	for path, content := range map[string]string{files.CertFile: pki.EncodeCertsPEM(server, inter.Cert), files.KeyFile: keyPEM, files.CAFile: pki.EncodeCertsPEM(root.Cert)} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w, err := cap.LoadWorkerTLS(files, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", w.ServerConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	serverErr := make(chan error, 1)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			err = conn.(*tls.Conn).Handshake()
			if err == nil {
				_, err = conn.Write([]byte("ok"))
			}
			serverErr <- err
			conn.Close()
		}
	}()
	roots := x509.NewCertPool()
	roots.AddCert(root.Cert)
	dial := func(client *x509.Certificate, key crypto.Signer) error {
		conn, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{RootCAs: roots, ServerName: "127.0.0.1",
			Certificates: []tls.Certificate{{Certificate: [][]byte{client.Raw, inter.Cert.Raw}, PrivateKey: key}}})
		if err == nil {
			buf := make([]byte, 2)
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			_, err = conn.Read(buf) // TLS 1.3: the server's verdict on the client arrives here
			conn.Close()
		}
		return err
	}

	good, goodKey := bypass("spiffe://crank.internal/billing")
	if err := dial(good, goodKey); err != nil {
		t.Fatalf("a client inside the constraints was refused: %v", err)
	}
	if err := <-serverErr; err != nil {
		t.Fatalf("server refused a client inside the constraints: %v", err)
	}
	evil, evilKey := bypass("spiffe://evil.example/billing")
	if err := dial(evil, evilKey); err == nil {
		t.Fatal("a client outside the URI name constraints completed a handshake with the worker")
	}
	if err := <-serverErr; err == nil || !strings.Contains(err.Error(), "not permitted") {
		t.Fatalf("server error %v, want a name-constraint refusal (\"not permitted\")", err)
	}
}
