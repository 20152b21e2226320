package interop

import (
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// TestOpenSSLFindsTheCRLThroughTheLeafsOwnCDP serves an intermediate's CRL
// on 127.0.0.1 at the URL the intermediate names in crl_distribution_points,
// and checks that openssl verify -crl_check -crl_download, given nothing but
// the chain, fetches it through the leaf's own CRL distribution point and
// tells the revoked leaf from the good one.
func TestOpenSSLFindsTheCRLThroughTheLeafsOwnCDP(t *testing.T) {
	Tool(t, "openssl", "openssl")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cdp := "http://" + ln.Addr().String() + "/services.crl"
	now := time.Now().Add(-time.Minute).Truncate(time.Second)
	rootKey, _ := pki.GenerateKey(pki.ECDSAP256)
	root, err := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "CRL Root"}, Key: rootKey, NotBefore: now, NotAfter: now.Add(time.Hour), MaxPathLength: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	interKey, _ := pki.GenerateKey(pki.ECDSAP256)
	inter, err := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "CRL Services CA"}, Key: interKey, NotBefore: now, NotAfter: now.Add(time.Hour),
		Pointers: pki.Pointers{CRLDistributionPoints: []string{cdp}}}, root)
	if err != nil {
		t.Fatal(err)
	}
	issue := func(service string) (string, *big.Int) {
		key, _ := pki.GenerateKey(pki.ECDSAP256)
		u, _ := url.Parse("spiffe://crank.internal/" + service)
		leaf, err := pki.IssueLeaf(inter, pki.LeafRequest{PublicKey: key.Public(), URIs: []*url.URL{u}, Usages: []pki.Usage{pki.UsageClient, pki.UsageServer}, NotBefore: now, NotAfter: now.Add(30 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if len(leaf.CRLDistributionPoints) != 1 || leaf.CRLDistributionPoints[0] != cdp {
			t.Fatalf("leaf CDP %v, want [%s]", leaf.CRLDistributionPoints, cdp)
		}
		p := filepath.Join(t.TempDir(), service+".pem")
		if err := os.WriteFile(p, []byte(pki.EncodeCertsPEM(leaf)), 0o600); err != nil {
			t.Fatal(err)
		}
		return p, leaf.SerialNumber
	}
	good, _ := issue("good")
	revoked, revokedSerial := issue("revoked")
	_, crlDER, err := pki.CreateCRL(inter, pki.CRLRequest{Number: big.NewInt(1), ThisUpdate: now, NextUpdate: now.Add(time.Hour),
		Revoked: []pki.Revocation{{Serial: revokedSerial, Reason: 1, RevokedAt: now}}})
	if err != nil {
		t.Fatal(err)
	}
	var fetches atomic.Int32
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/services.crl" {
			http.NotFound(w, r)
			return
		}
		fetches.Add(1)
		w.Header().Set("Content-Type", "application/pkix-crl")
		_, _ = w.Write(crlDER)
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	dir := t.TempDir()
	rootPEM, interPEM := filepath.Join(dir, "root.pem"), filepath.Join(dir, "inter.pem")
	_ = os.WriteFile(rootPEM, []byte(pki.EncodeCertsPEM(root.Cert)), 0o600)
	_ = os.WriteFile(interPEM, []byte(pki.EncodeCertsPEM(inter.Cert)), 0o600)
	verify := func(leaf string) (string, error) {
		out, err := exec.Command("openssl", "verify", "-crl_check", "-crl_download", "-CAfile", rootPEM, "-untrusted", interPEM, leaf).CombinedOutput()
		return string(out), err
	}
	if out, err := verify(good); err != nil || !strings.Contains(out, ": OK") {
		t.Errorf("good leaf: %v\n%s", err, out)
	}
	if out, err := verify(revoked); err == nil || !strings.Contains(out, "certificate revoked") {
		t.Errorf("revoked leaf: want \"certificate revoked\", got %v\n%s", err, out)
	}
	if fetches.Load() < 2 {
		t.Errorf("openssl fetched the CRL %d times, want once per verify", fetches.Load())
	}
}
