package acme_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/acme"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/acme/acmetest"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

const passphrase = "correct horse battery"

func env(kv ...string) func(string) string {
	m := map[string]string{acme.PassphraseEnv: passphrase}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func config(t *testing.T, s *acmetest.Server) acme.Config {
	return acme.Config{Directory: s.Directory, CABundle: s.CABundlePEM, AccountKeyFile: filepath.Join(t.TempDir(), "account.key"),
		IssuerChainPEM: s.IssuerChainPEM, HTTP01Listen: fmt.Sprintf("127.0.0.1:%d", s.HTTPPort), Usages: []string{"server"}, Getenv: env()}
}

func backendOf(t *testing.T, o acme.Options, getenv func(string) string) issuer.Backend {
	t.Helper()
	h, err := acme.Encode(o)
	if err != nil {
		t.Fatal(err)
	}
	_, b, err := issuer.Resolve(context.Background(), h, getenv)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func request(t *testing.T, names ...string) (*issuer.SignRequest, *x509.CertificateRequest) {
	t.Helper()
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	now := time.Now().Truncate(time.Second)
	lr := pki.LeafRequest{Subject: pki.DefaultLeafSubject(names), PublicKey: key.Public(), DNSNames: names, Usages: []pki.Usage{pki.UsageServer}, NotBefore: now, NotAfter: now.Add(72 * time.Hour)}
	csr, err := issuer.LeafCSR(key, lr)
	if err != nil {
		t.Fatal(err)
	}
	return &issuer.SignRequest{Template: lr, CSR: csr}, csr
}

// One Pebble serves the issuance, revocation and ARI checks: starting one
// costs a second, but each test of its own would still be slower than this.
func TestPebbleIssueRevokeRenewalInfo(t *testing.T) {
	s := acmetest.Start(t, acmetest.Options{})
	ctx := context.Background()
	o, err := acme.Bootstrap(ctx, config(t, s))
	if err != nil {
		t.Fatal(err)
	}
	if o.AccountURL == "" || o.RenewalInfo == "" {
		t.Fatalf("account %q, renewalInfo %q: want both from Pebble", o.AccountURL, o.RenewalInfo)
	}
	b := backendOf(t, o, env())
	req, csr := request(t, "billing.example.test", "api.example.test")
	// Several orders in a row: Pebble rejects 5 % of nonces, so this also
	// exercises the badNonce retry.
	var last *issuer.SignResponse
	for range 3 {
		resp, err := b.Sign(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		last = resp
	}
	leaf := last.Certificate
	if !pki.PublicKeysEqual(leaf.PublicKey, csr.PublicKey) || len(leaf.DNSNames) != 2 {
		t.Fatalf("issued %v for key %T", leaf.DNSNames, leaf.PublicKey)
	}
	if d := leaf.NotAfter.Sub(req.Template.NotAfter); d > time.Minute || d < -time.Minute {
		t.Fatalf("not_after %s, asked %s", leaf.NotAfter, req.Template.NotAfter)
	}

	start, end, ok, err := b.(issuer.RenewalAdvisor).RenewalWindow(ctx, leaf)
	if err != nil || !ok || !start.After(leaf.NotBefore) || !end.Before(leaf.NotAfter) {
		t.Fatalf("renewal window %s..%s ok=%v err=%v for %s..%s", start, end, ok, err, leaf.NotBefore, leaf.NotAfter)
	}
	wantStart := time.Now().Add(-time.Hour).Truncate(time.Second)
	s.SetRenewalInfo(t, pki.EncodeCertsPEM(leaf), wantStart, wantStart.Add(2*time.Hour))
	if start, _, ok, err = b.(issuer.RenewalAdvisor).RenewalWindow(ctx, leaf); err != nil || !ok || !start.Equal(wantStart) {
		t.Fatalf("after set-renewal-info: start %s ok=%v err=%v, want %s", start, ok, err, wantStart)
	}

	if st, _ := s.CertStatus(t, leaf.SerialNumber); st != "Valid" {
		t.Fatalf("status before revoke %q", st)
	}
	if _, err := b.Revoke(ctx, &issuer.RevokeRequest{Serial: leaf.SerialNumber, Certificate: leaf, Reason: 5}); err != nil {
		t.Fatal(err)
	}
	if st, reason := s.CertStatus(t, leaf.SerialNumber); st != "Revoked" || reason != 5 {
		t.Fatalf("status after revoke %q reason %d", st, reason)
	}
	// A revoked certificate: Pebble's ARI says renew now.
	start, _, _, _ = b.(issuer.RenewalAdvisor).RenewalWindow(ctx, last.Certificate)
	if start.After(time.Now().Add(time.Minute)) {
		t.Fatalf("revoked certificate's window starts %s", start)
	}

	// dns-01 through the documented hook, and the refusals of a name and a field.
	cfg := config(t, s)
	cfg.HTTP01Listen, cfg.DNS01Hook = "", []string{"/bin/sh", s.DNSHook(t)}
	o2, err := acme.Bootstrap(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := backendOf(t, o2, env()).Sign(ctx, mustReq(t, "dns01.example.test")); err != nil {
		t.Fatalf("dns-01: %v", err)
	}
	_, err = b.Sign(ctx, mustReq(t, acmetest.BlockedDomain))
	if !errors.Is(err, acme.ErrRejected) || !strings.Contains(err.Error(), "rejectedIdentifier") {
		t.Fatalf("blocked name: %v, want the server's rejectedIdentifier problem", err)
	}
	r := mustReq(t, "spiffe.example.test")
	r.Template.URIs = []*url.URL{{Scheme: "spiffe", Host: "example.test", Path: "/billing"}}
	var fe *issuer.FieldError
	if err := issuer.CheckRequest(acme.Name, b, r.Template); !errors.As(err, &fe) || fe.Field != issuer.FieldURIs {
		t.Fatalf("URI SAN: %v, want a FieldError for uri_sans", err)
	}
	r = mustReq(t, "usage.example.test")
	r.Template.Usages = []pki.Usage{pki.UsageServer, pki.UsageClient}
	if err := issuer.CheckRequest(acme.Name, b, r.Template); !errors.As(err, &fe) || fe.Field != issuer.FieldUsages {
		t.Fatalf("client usage from a server-only CA: %v, want a FieldError for usages", err)
	}

	// Terraform creates certificates in parallel: orders at the same time
	// share the one solver listener.
	errs := make(chan error, 4)
	for i := range 4 {
		go func() {
			_, err := b.Sign(ctx, mustReq(t, fmt.Sprintf("parallel%d.example.test", i)))
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("parallel orders: %v", err)
		}
	}

	// The http-01 solver's address taken by someone else.
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", s.HTTPPort))
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Sign(ctx, mustReq(t, "busy.example.test"))
	l.Close()
	if !errors.Is(err, acme.ErrSolver) || !strings.Contains(err.Error(), "Another process listens there") {
		t.Fatalf("solver address in use: %v", err)
	}

	s.Stop()
	if _, err := b.Sign(ctx, mustReq(t, "down.example.test")); !errors.Is(err, acme.ErrUnreachable) {
		t.Fatalf("stopped server: %v, want ErrUnreachable", err)
	}
	if _, err := acme.Bootstrap(ctx, config(t, s)); !errors.Is(err, acme.ErrUnreachable) {
		t.Fatalf("stopped server at bootstrap: %v, want ErrUnreachable", err)
	}
}

func mustReq(t *testing.T, names ...string) *issuer.SignRequest {
	r, _ := request(t, names...)
	return r
}

func TestPebbleBadInputs(t *testing.T) {
	s := acmetest.Start(t, acmetest.Options{RequireEAB: true})
	ctx := context.Background()

	cfg := config(t, s)
	other := acmetest.Start(t, acmetest.Options{})
	cfg.CABundle = other.CABundlePEM
	if _, err := acme.Bootstrap(ctx, cfg); !errors.Is(err, acme.ErrTLS) {
		t.Fatalf("wrong CA bundle: %v, want ErrTLS", err)
	}
	if _, err := os.Stat(cfg.AccountKeyFile); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a refused directory left an account key file behind: %v", err)
	}
	if _, err := acme.Bootstrap(ctx, config(t, s)); !errors.Is(err, acme.ErrEABRequired) || !strings.Contains(err.Error(), acme.EABKeyIDEnv) {
		t.Fatalf("EAB missing: %v, want ErrEABRequired naming %s", err, acme.EABKeyIDEnv)
	}
	cfg = config(t, s)
	cfg.Getenv = env(acme.EABKeyIDEnv, acmetest.EAB.KeyID, acme.EABHMACEnv, "b10lLJs8l1GPIzsLP0s6pMt8O0XVGnfTaCeROxQM0BIt2XrJMDHJZBM5NuQmQJQH")
	if _, err := acme.Bootstrap(ctx, cfg); !errors.Is(err, acme.ErrRejected) || !strings.Contains(err.Error(), "externalAccount") && !strings.Contains(err.Error(), "unauthorized") && !strings.Contains(err.Error(), "malformed") {
		t.Fatalf("EAB with a wrong HMAC key: %v", err)
	}
	cfg.Getenv = env(acme.EABKeyIDEnv, acmetest.EAB.KeyID, acme.EABHMACEnv, acmetest.EAB.HMAC)
	o, err := acme.Bootstrap(ctx, cfg)
	if err != nil {
		t.Fatalf("EAB right: %v", err)
	}
	// Once the account exists, later plans find it without the EAB secret.
	cfg.Getenv = env()
	if again, err := acme.Bootstrap(ctx, cfg); err != nil || again.AccountURL != o.AccountURL {
		t.Fatalf("existing account without EAB: %v (account %q, want %q)", err, again.AccountURL, o.AccountURL)
	}
	// The account key file is encrypted: without or with another passphrase it does not open.
	b := backendOf(t, o, func(string) string { return "" })
	if _, err := b.Sign(ctx, mustReq(t, "nopass.example.test")); !errors.Is(err, acme.ErrAccount) || !strings.Contains(err.Error(), acme.PassphraseEnv) {
		t.Fatalf("no passphrase: %v", err)
	}
	b = backendOf(t, o, env(acme.PassphraseEnv, "another passphrase"))
	if _, err := b.Sign(ctx, mustReq(t, "wrongpass.example.test")); !errors.Is(err, acme.ErrAccount) || !errors.Is(err, pki.ErrKeyFileWrongPass) && !strings.Contains(err.Error(), "passphrase") {
		t.Fatalf("wrong passphrase: %v", err)
	}
	// An issuer chain of another CA: the certificate is refused, not handed out.
	o.Chain = nil
	wrong, _ := acme.Bootstrap(ctx, acme.Config{Directory: other.Directory, CABundle: other.CABundlePEM, AccountKeyFile: filepath.Join(t.TempDir(), "a.key"), IssuerChainPEM: other.IssuerChainPEM, HTTP01Listen: "127.0.0.1:1", Usages: []string{"server"}, Getenv: env()})
	o.Chain = wrong.Chain
	if _, err := backendOf(t, o, env()).Sign(ctx, mustReq(t, "chain.example.test")); !errors.Is(err, acme.ErrWrongChain) {
		t.Fatalf("wrong issuer chain: %v, want ErrWrongChain", err)
	}
}
