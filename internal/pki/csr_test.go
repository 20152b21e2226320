package pki

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func externalRequest(t *testing.T) CARequest {
	t.Helper()
	key, err := GenerateKey(ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	_, tenSlash8, _ := net.ParseCIDR("10.0.0.0/8")
	now := time.Now()
	return CARequest{
		Subject: pkix.Name{CommonName: "Services CA", Organization: []string{"Example"}},
		Key:     key, NotBefore: now, NotAfter: now.Add(time.Hour), MaxPathLength: 0,
		NameConstraints: NameConstraints{Critical: true, PermittedURIDomain: []string{"example.org"}, PermittedIPRanges: []*net.IPNet{tenSlash8}},
	}
}

// signAs signs csr with the root as a Go program would, with tmpl's CA bits.
func signAs(t *testing.T, root *Issuer, pub any, tmpl *x509.Certificate) *x509.Certificate {
	t.Helper()
	tmpl.SerialNumber, _ = serialNumber()
	tmpl.NotBefore, tmpl.NotAfter = root.Cert.NotBefore, root.Cert.NotAfter.Add(-time.Minute)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, root.Cert, pub, root.Key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}

// The offline root is openssl: the CSR's requested extensions, copied with
// -copy_extensions copyall, must give exactly the CA crank would have made.
func TestCACSRSignedByOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("openssl is required (Debian package openssl)")
		}
		t.Skip("openssl not installed")
	}
	root := newRoot(t, NameConstraints{}, 24*time.Hour)
	req := externalRequest(t)
	csr, err := CreateCACSR(req)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rootKey, _ := x509.MarshalPKCS8PrivateKey(root.Key)
	write := func(name, typ string, der []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("root.pem", "CERTIFICATE", root.Cert.Raw)
	write("root.key", "PRIVATE KEY", rootKey)
	write("ca.csr", "CERTIFICATE REQUEST", csr.Raw)
	cmd := exec.Command(openssl, "x509", "-req", "-in", "ca.csr", "-CA", "root.pem", "-CAkey", "root.key", "-copy_extensions", "copyall", "-days", "1", "-out", "ca.pem")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl x509 -req: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "ca.pem"))
	cert, err := ParseCertPEM(string(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckSignedCA(req, req.Key.Public(), cert, []*x509.Certificate{root.Cert}, time.Now()); err != nil {
		t.Fatalf("openssl-signed CA refused: %v", err)
	}
	iss := &Issuer{Cert: cert, Key: req.Key, Parents: []*x509.Certificate{root.Cert}}
	if err := iss.Check(); err != nil {
		t.Fatal(err)
	}
	if !cert.PermittedDNSDomainsCritical || cert.MaxPathLen != 0 || !cert.MaxPathLenZero {
		t.Fatalf("extensions not copied: critical=%v pathlen=%d zero=%v", cert.PermittedDNSDomainsCritical, cert.MaxPathLen, cert.MaxPathLenZero)
	}
}

func TestCheckSignedCARefuses(t *testing.T) {
	root := newRoot(t, NameConstraints{}, 24*time.Hour)
	other := newRoot(t, NameConstraints{}, 24*time.Hour)
	req := externalRequest(t)
	pub := req.Key.Public()
	stranger, _ := GenerateKey(ECDSAP256)
	good := func() *x509.Certificate {
		return &x509.Certificate{
			Subject: req.Subject, IsCA: true, BasicConstraintsValid: true, MaxPathLen: 0, MaxPathLenZero: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, PermittedDNSDomainsCritical: true,
			PermittedURIDomains: req.NameConstraints.PermittedURIDomain, PermittedIPRanges: req.NameConstraints.PermittedIPRanges,
		}
	}
	if err := CheckSignedCA(req, pub, signAs(t, root, pub, good()), []*x509.Certificate{root.Cert}, time.Now()); err != nil {
		t.Fatalf("a matching CA was refused: %v", err)
	}
	for _, tc := range []struct {
		name    string
		cert    func() *x509.Certificate
		parents []*x509.Certificate
		want    error
	}{
		{"certificate for another key", func() *x509.Certificate { return signAs(t, root, stranger.Public(), good()) }, nil, ErrSignedForOtherKey},
		{"not a CA", func() *x509.Certificate {
			c := good()
			c.IsCA, c.MaxPathLen, c.MaxPathLenZero = false, -1, false
			return signAs(t, root, pub, c)
		}, nil, ErrSignedNotCA},
		{"no keyCertSign", func() *x509.Certificate {
			c := good()
			c.KeyUsage = x509.KeyUsageDigitalSignature
			return signAs(t, root, pub, c)
		}, nil, ErrSignedNotCA},
		{"looser path length", func() *x509.Certificate {
			c := good()
			c.MaxPathLen, c.MaxPathLenZero = -1, false
			return signAs(t, root, pub, c)
		}, nil, ErrSignedConstraints},
		{"name constraints dropped", func() *x509.Certificate {
			c := good()
			c.PermittedURIDomains, c.PermittedIPRanges = nil, nil
			return signAs(t, root, pub, c)
		}, nil, ErrSignedConstraints},
		{"other subject", func() *x509.Certificate {
			c := good()
			c.Subject = pkix.Name{CommonName: "Someone else"}
			return signAs(t, root, pub, c)
		}, nil, ErrSignedSubject},
		{"chain of another root", func() *x509.Certificate { return signAs(t, root, pub, good()) }, []*x509.Certificate{other.Cert}, ErrSignedChain},
		{"empty chain", func() *x509.Certificate { return signAs(t, root, pub, good()) }, []*x509.Certificate{}, ErrSignedChain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parents := tc.parents
			if parents == nil {
				parents = []*x509.Certificate{root.Cert}
			}
			err := CheckSignedCA(req, pub, tc.cert(), parents, time.Now())
			if !errors.Is(err, tc.want) {
				t.Fatalf("CheckSignedCA = %v, want %v", err, tc.want)
			}
		})
	}
}
