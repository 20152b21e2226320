package local_test

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	_ "github.com/crank-platform/terraform-provider-crank/internal/issuer/local"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

func newRoot(t *testing.T) *pki.Issuer {
	t.Helper()
	key, err := pki.GenerateKey(pki.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	iss, err := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "Local Test Root"}, Key: key, NotBefore: now, NotAfter: now.Add(24 * time.Hour), MaxPathLength: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return iss
}

func leafRequest(t *testing.T) pki.LeafRequest {
	t.Helper()
	key, err := pki.GenerateKey(pki.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("spiffe://example.org/svc")
	now := time.Now()
	return pki.LeafRequest{PublicKey: key.Public(), URIs: []*url.URL{u}, Usages: []pki.Usage{pki.UsageServer}, NotBefore: now, NotAfter: now.Add(time.Hour)}
}

func noEnv(string) string { return "" }

// An in-state handle written before the backend interface existed resolves
// to the local backend and signs through it.
func TestLocalVersion1HandleSigns(t *testing.T) {
	root := newRoot(t)
	handle, err := pki.EncodeHandle(root)
	if err != nil {
		t.Fatal(err)
	}
	h, b, err := issuer.Resolve(context.Background(), handle, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if h.Version != issuer.Version1 || h.Backend != "local" {
		t.Fatalf("decoded %d/%q, want version 1 local", h.Version, h.Backend)
	}
	res, err := b.Sign(context.Background(), &issuer.SignRequest{Template: leafRequest(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Certificate.CheckSignatureFrom(root.Cert); err != nil {
		t.Fatalf("leaf not signed by the root: %v", err)
	}
	if len(res.Intermediates) != 0 || !res.Root.Equal(root.Cert) {
		t.Fatalf("chain: %d intermediates, root %s", len(res.Intermediates), res.Root.Subject)
	}
	ch, err := b.CAChain(context.Background())
	if err != nil || !ch.Cert.Equal(root.Cert) {
		t.Fatalf("CAChain = %v, %v", ch, err)
	}
	if _, err := issuer.Local(context.Background(), h.Backend, b, "sign a child CA"); err != nil {
		t.Fatalf("local backend must hand out its signer: %v", err)
	}
	if err := issuer.CheckFields(h.Backend, b, issuer.AllFields()); err != nil {
		t.Fatalf("local honours every field: %v", err)
	}
}

// A CSR is checked and its key certified when the template names none.
func TestLocalSignsFromCSR(t *testing.T) {
	root := newRoot(t)
	handle, _ := pki.EncodeHandle(root)
	_, b, err := issuer.Resolve(context.Background(), handle, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	der, err := x509.CreateCertificateRequest(nil, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "svc"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	csr, _ := x509.ParseCertificateRequest(der)
	tmpl := leafRequest(t)
	tmpl.PublicKey = nil
	res, err := b.Sign(context.Background(), &issuer.SignRequest{Template: tmpl, CSR: csr})
	if err != nil {
		t.Fatal(err)
	}
	if !pki.PublicKeysEqual(res.Certificate.PublicKey, key.Public()) {
		t.Fatal("the certificate does not carry the CSR's key")
	}
	csr.Signature[len(csr.Signature)-1] ^= 1
	if _, err := b.Sign(context.Background(), &issuer.SignRequest{Template: tmpl, CSR: csr}); err == nil {
		t.Fatal("a CSR with a broken signature was signed")
	}
}

// Revocation of a locally signed certificate is a CRL entry, and the error
// says so instead of pretending it happened.
func TestLocalRevokeSaysUseCRL(t *testing.T) {
	root := newRoot(t)
	handle, _ := pki.EncodeHandle(root)
	_, b, _ := issuer.Resolve(context.Background(), handle, noEnv)
	_, err := b.Revoke(context.Background(), &issuer.RevokeRequest{})
	if !errors.Is(err, issuer.ErrUnsupported) {
		t.Fatalf("Revoke = %v, want ErrUnsupported", err)
	}
	var ue *issuer.UnsupportedError
	if !errors.As(err, &ue) || ue.Backend != "local" {
		t.Fatalf("error does not name the backend: %v", err)
	}
}

// A file-backed handle opens its key lazily: the chain is readable without
// the passphrase, signing is not, and a wrong passphrase is a hard error.
func TestLocalFileHandleNeedsPassphraseOnlyToSign(t *testing.T) {
	root := newRoot(t)
	path := filepath.Join(t.TempDir(), "root.key")
	const pass = "correct-horse-battery"
	if err := pki.WriteKeyFile(path, root.Key, pass); err != nil {
		t.Fatal(err)
	}
	handle, err := pki.EncodeFileHandle(root, path)
	if err != nil {
		t.Fatal(err)
	}
	_, b, err := issuer.Resolve(context.Background(), handle, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.CAChain(context.Background()); err != nil {
		t.Fatalf("CAChain needed the key: %v", err)
	}
	if _, err := b.Sign(context.Background(), &issuer.SignRequest{Template: leafRequest(t)}); !errors.Is(err, pki.ErrNoPassphrase) {
		t.Fatalf("Sign without passphrase = %v, want ErrNoPassphrase", err)
	}
	env := func(k string) string {
		if k == pki.KeyPassphraseEnv {
			return pass
		}
		return ""
	}
	_, b, _ = issuer.Resolve(context.Background(), handle, env)
	if _, err := b.Sign(context.Background(), &issuer.SignRequest{Template: leafRequest(t)}); err != nil {
		t.Fatalf("Sign with the passphrase: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}
