package acme_test

import (
	"context"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/acme"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// offlineBackend is an acme backend whose checks run before any network
// call; its directory is never contacted.
func offlineBackend(t *testing.T, usages ...string) issuer.Backend {
	t.Helper()
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	now := time.Now()
	root, err := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "Offline Root"}, Key: key, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return backendOf(t, acme.Options{Directory: "https://127.0.0.1:1/dir", AccountKeyFile: "/nonexistent", AccountURL: "https://127.0.0.1:1/acct/1",
		Chain: []string{base64.StdEncoding.EncodeToString(root.Cert.Raw)}, HTTP01Listen: "127.0.0.1:1", Usages: usages}, env())
}

// TestCheckRequest: what an ACME order cannot carry is refused naming the
// field, before anything is sent.
func TestCheckRequest(t *testing.T) {
	b := offlineBackend(t, "server")
	base := func() pki.LeafRequest {
		return pki.LeafRequest{DNSNames: []string{"a.example.test", "b.example.test"}, Usages: []pki.Usage{pki.UsageServer}}
	}
	cases := []struct {
		name  string
		edit  func(*pki.LeafRequest)
		field issuer.Field // "" = accepted
		err   error
	}{
		{"names only", func(*pki.LeafRequest) {}, "", nil},
		{"default common name", func(r *pki.LeafRequest) { r.Subject = pki.DefaultLeafSubject(r.DNSNames) }, "", nil},
		{"IP only", func(r *pki.LeafRequest) { r.DNSNames, r.IPAddresses = nil, []net.IP{net.IPv4(127, 0, 0, 1)} }, "", nil},
		{"no identifier", func(r *pki.LeafRequest) { r.DNSNames = nil }, "", acme.ErrNoIdentifiers},
		{"SPIFFE ID", func(r *pki.LeafRequest) { r.URIs = []*url.URL{{Scheme: "spiffe", Host: "example.org", Path: "/a"}} }, issuer.FieldURIs, nil},
		{"other common name", func(r *pki.LeafRequest) { r.Subject = pkix.Name{CommonName: "b.example.test"} }, issuer.FieldSubject, nil},
		{"organization", func(r *pki.LeafRequest) { r.Subject = pkix.Name{Organization: []string{"Example"}} }, issuer.FieldSubject, nil},
		{"client usage too", func(r *pki.LeafRequest) { r.Usages = append(r.Usages, pki.UsageClient) }, issuer.FieldUsages, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := base()
			c.edit(&r)
			err := issuer.CheckRequest(acme.Name, b, r)
			var fe *issuer.FieldError
			switch {
			case c.field != "":
				if !errors.As(err, &fe) || fe.Field != c.field {
					t.Fatalf("got %v, want a FieldError for %s", err, c.field)
				}
			case c.err != nil:
				if !errors.Is(err, c.err) {
					t.Fatalf("got %v, want %v", err, c.err)
				}
			case err != nil:
				t.Fatalf("refused: %v", err)
			}
		})
	}
	both := offlineBackend(t, "client", "server")
	r := base()
	r.Usages = []pki.Usage{pki.UsageServer, pki.UsageClient}
	if err := issuer.CheckRequest(acme.Name, both, r); err != nil {
		t.Fatalf("a server+client profile refused server+client: %v", err)
	}
}

// TestSignRefusesMismatchedCSR: a supplied CSR goes to the CA as it is, so
// one naming other names than the certificate is refused before the order.
func TestSignRefusesMismatchedCSR(t *testing.T) {
	b := offlineBackend(t, "server")
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	lr := pki.LeafRequest{PublicKey: key.Public(), DNSNames: []string{"a.example.test"}, Usages: []pki.Usage{pki.UsageServer}}
	csr, err := issuer.LeafCSR(key, pki.LeafRequest{DNSNames: []string{"other.example.test"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Sign(context.Background(), &issuer.SignRequest{Template: lr, CSR: csr})
	if !errors.Is(err, acme.ErrNeedsCSR) || !strings.Contains(err.Error(), "other.example.test") {
		t.Fatalf("mismatched CSR: %v", err)
	}
	if _, err := b.Sign(context.Background(), &issuer.SignRequest{Template: lr}); !errors.Is(err, acme.ErrNeedsCSR) {
		t.Fatalf("no CSR: %v", err)
	}
}
