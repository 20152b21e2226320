package vault_test

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/vault"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/vault/vaulttest"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func leafRequest(t *testing.T, key any, dns ...string) pki.LeafRequest {
	t.Helper()
	u, _ := url.Parse("spiffe://example.org/billing")
	now := time.Now().Truncate(time.Second)
	return pki.LeafRequest{
		Subject: pki.DefaultLeafSubject(dns), PublicKey: key, URIs: []*url.URL{u}, DNSNames: dns,
		Usages: []pki.Usage{pki.UsageClient, pki.UsageServer}, NotBefore: now, NotAfter: now.Add(72 * time.Hour),
	}
}

func handle(t *testing.T, srv *vaulttest.Server, getenv func(string) string, auth string, target vault.Target) issuer.Backend {
	t.Helper()
	d, err := vault.Discover(context.Background(), vault.Config{Address: srv.Addr, CACertPEM: srv.CACertPEM, AuthMethod: auth, Getenv: getenv}, target)
	if err != nil {
		t.Fatal(err)
	}
	h, err := vault.Encode(d.Options)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{srv.Token, srv.RootToken, srv.SecretID, srv.RoleID} {
		if strings.Contains(h, secret) {
			t.Fatalf("the handle carries a credential: %s", h)
		}
	}
	_, b, err := issuer.Resolve(context.Background(), h, getenv)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sign(t *testing.T, b issuer.Backend, dns ...string) (*issuer.SignResponse, error) {
	t.Helper()
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	lr := leafRequest(t, key.Public(), dns...)
	csr, err := issuer.LeafCSR(key, lr)
	if err != nil {
		t.Fatal(err)
	}
	return b.Sign(context.Background(), &issuer.SignRequest{Template: lr, CSR: csr})
}

// TestSignAndRevoke issues through pki/sign with a scoped token and with
// AppRole, checks the leaf chains to the mount's root, revokes it and finds
// the serial in the mount's CRL.
func TestSignAndRevoke(t *testing.T) {
	srv := vaulttest.Start(t, vaulttest.Options{})
	for _, tc := range []struct {
		auth   string
		getenv func(string) string
	}{
		{vault.AuthToken, env(map[string]string{vault.TokenEnv: srv.Token})},
		{vault.AuthAppRole, env(map[string]string{vault.RoleIDEnv: srv.RoleID, vault.SecretIDEnv: srv.SecretID})},
	} {
		t.Run(tc.auth, func(t *testing.T) {
			b := handle(t, srv, tc.getenv, tc.auth, vault.Target{Mount: "pki", Role: vaulttest.Role})
			resp, err := sign(t, b, "billing.svc.internal")
			if err != nil {
				t.Fatal(err)
			}
			ch, _ := b.CAChain(context.Background())
			if !resp.Root.Equal(ch.Cert) || resp.Certificate.URIs[0].String() != "spiffe://example.org/billing" {
				t.Fatalf("issued by %s with URIs %v", resp.Root.Subject, resp.Certificate.URIs)
			}
			if _, err := b.Revoke(context.Background(), &issuer.RevokeRequest{Serial: resp.Certificate.SerialNumber}); err != nil {
				t.Fatal(err)
			}
			c, err := vault.NewClient(context.Background(), vault.Config{Address: srv.Addr, AuthMethod: tc.auth, Getenv: tc.getenv})
			if err != nil {
				t.Fatal(err)
			}
			crl, err := c.CRL(context.Background(), "pki", "")
			if err != nil {
				t.Fatal(err)
			}
			if !revoked(crl, resp.Certificate.SerialNumber) {
				t.Fatalf("serial %x is not in the mount's CRL", resp.Certificate.SerialNumber)
			}
		})
	}
}

func revoked(crl *x509.RevocationList, serial *big.Int) bool {
	for _, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(serial) == 0 {
			return true
		}
	}
	return false
}

// TestRoleChecks: what the role would refuse or change is refused before
// anything is sent, naming the role setting.
func TestRoleChecks(t *testing.T) {
	srv := vaulttest.Start(t, vaulttest.Options{})
	getenv := env(map[string]string{vault.TokenEnv: srv.Token})
	b := handle(t, srv, getenv, vault.AuthToken, vault.Target{Mount: "pki", Role: vaulttest.Role})
	rc := b.(issuer.RequestChecker)
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	rsaKey, _ := pki.GenerateKey(pki.RSA2048)
	other, _ := url.Parse("spiffe://other.org/billing")
	for name, tc := range map[string]struct {
		mutate  func(*pki.LeafRequest)
		attr    string
		setting string
	}{
		"dns name outside allowed_domains":     {func(r *pki.LeafRequest) { r.DNSNames = []string{"billing.evil.example"} }, "dns_names", "allowed_domains"},
		"uri outside allowed_uri_sans":         {func(r *pki.LeafRequest) { r.URIs = []*url.URL{other} }, "spiffe_id", "allowed_uri_sans"},
		"ttl over max_ttl":                     {func(r *pki.LeafRequest) { r.NotAfter = r.NotBefore.Add(31 * 24 * time.Hour) }, "validity", "max_ttl"},
		"server only but client_flag":          {func(r *pki.LeafRequest) { r.Usages = []pki.Usage{pki.UsageServer} }, "usages", "client_flag"},
		"organization the role does not write": {func(r *pki.LeafRequest) { r.Subject.Organization = []string{"Example"} }, "subject", "organization"},
	} {
		t.Run(name, func(t *testing.T) {
			lr := leafRequest(t, key.Public(), "billing.svc.internal")
			tc.mutate(&lr)
			err := rc.CheckRequest(lr)
			var pe *pki.PolicyError
			if !errors.As(err, &pe) || pe.Attribute != tc.attr || !strings.Contains(err.Error(), tc.setting) {
				t.Fatalf("got %v, want a policy error on %s naming %s", err, tc.attr, tc.setting)
			}
		})
	}
	t.Run("allowed request passes", func(t *testing.T) {
		if err := rc.CheckRequest(leafRequest(t, key.Public(), "billing.svc.internal")); err != nil {
			t.Fatal(err)
		}
	})

	srv.SetRole(t, map[string]any{"key_type": "ec", "key_bits": 256, "allow_ip_sans": false})
	b = handle(t, srv, getenv, vault.AuthToken, vault.Target{Mount: "pki", Role: vaulttest.Role})
	rc = b.(issuer.RequestChecker)
	if err := rc.CheckRequest(leafRequest(t, rsaKey.Public(), "billing.svc.internal")); err == nil || !strings.Contains(err.Error(), "key_type") {
		t.Fatalf("an RSA key under key_type = ec: %v", err)
	}
	lr := leafRequest(t, key.Public(), "billing.svc.internal")
	lr.IPAddresses = []net.IP{net.ParseIP("10.0.0.1")}
	if err := rc.CheckRequest(lr); err == nil || !strings.Contains(err.Error(), "allow_ip_sans") {
		t.Fatalf("an IP SAN under allow_ip_sans = false: %v", err)
	}
}

// TestDiagnostics runs every failure against the real server and checks
// each maps to its own error with a hint.
func TestDiagnostics(t *testing.T) {
	srv := vaulttest.Start(t, vaulttest.Options{})
	ctx := context.Background()
	good := env(map[string]string{vault.TokenEnv: srv.Token})
	cfg := vault.Config{Address: srv.Addr, AuthMethod: vault.AuthToken, Getenv: good}
	target := vault.Target{Mount: "pki", Role: vaulttest.Role}

	expect := func(t *testing.T, err, want error, text string) {
		t.Helper()
		if !errors.Is(err, want) || !strings.Contains(err.Error(), text) {
			t.Fatalf("got %v, want %v mentioning %q", err, want, text)
		}
	}
	t.Run("unknown mount", func(t *testing.T) {
		_, err := vault.Discover(ctx, vault.Config{Address: srv.Addr, AuthMethod: vault.AuthToken, Getenv: env(map[string]string{vault.TokenEnv: srv.RootToken})}, vault.Target{Mount: "nope", Role: vaulttest.Role})
		expect(t, err, vault.ErrUnknownMount, "nope")
	})
	t.Run("unknown role", func(t *testing.T) {
		_, err := vault.Discover(ctx, cfg, vault.Target{Mount: "pki", Role: "nope"})
		expect(t, err, vault.ErrUnknownRole, "it has: crank")
	})
	t.Run("unknown issuer", func(t *testing.T) {
		_, err := vault.Discover(ctx, cfg, vault.Target{Mount: "pki", Role: vaulttest.Role, IssuerRef: "nope"})
		expect(t, err, vault.ErrUnknownIssuer, "nope")
	})
	t.Run("revoke_on_destroy under no_store", func(t *testing.T) {
		srv.SetRole(t, map[string]any{"no_store": true})
		defer srv.SetRole(t, nil)
		_, err := vault.Discover(ctx, cfg, vault.Target{Mount: "pki", Role: vaulttest.Role, RevokeOnDestroy: true})
		expect(t, err, vault.ErrRoleNoStore, "no_store = true")
	})
	t.Run("wrong token", func(t *testing.T) {
		_, err := vault.Discover(ctx, vault.Config{Address: srv.Addr, AuthMethod: vault.AuthToken, Getenv: env(map[string]string{vault.TokenEnv: "hvs.not-a-token"})}, target)
		expect(t, err, vault.ErrForbidden, "permission denied")
	})
	t.Run("no credentials", func(t *testing.T) {
		_, err := vault.Discover(ctx, vault.Config{Address: srv.Addr, AuthMethod: vault.AuthAppRole, Getenv: env(nil)}, target)
		expect(t, err, vault.ErrNoCredentials, vault.SecretIDEnv)
	})
	t.Run("wrong secret id", func(t *testing.T) {
		_, err := vault.Discover(ctx, vault.Config{Address: srv.Addr, AuthMethod: vault.AuthAppRole, Getenv: env(map[string]string{vault.RoleIDEnv: srv.RoleID, vault.SecretIDEnv: "not-the-secret"})}, target)
		if !errors.Is(err, vault.ErrRefused) || !strings.Contains(err.Error(), "AppRole login") || strings.Contains(err.Error(), "not-the-secret") {
			t.Fatalf("wrong secret id: %v", err)
		}
	})
	b := handle(t, srv, good, vault.AuthToken, target)
	t.Run("name the role refuses, with Vault's words", func(t *testing.T) {
		// The plan-time check would refuse it too; Sign re-checks, so go
		// around it with a role that allows more in the handle than Vault.
		srv.SetRole(t, map[string]any{"allow_any_name": true})
		loose := handle(t, srv, good, vault.AuthToken, target)
		srv.SetRole(t, nil)
		_, err := sign(t, loose, "billing.evil.example")
		expect(t, err, vault.ErrRefused, "not allowed by this role")
	})
	t.Run("ttl cut to max_ttl after the plan", func(t *testing.T) {
		// The handle's role allows 30 days; Vault's now allows one hour and
		// would issue a shortened certificate with only a warning.
		srv.SetRole(t, map[string]any{"max_ttl": "1h", "ttl": "30m"})
		defer srv.SetRole(t, nil)
		_, err := sign(t, b, "billing.svc.internal")
		expect(t, err, vault.ErrChanged, "max_ttl")
	})
	t.Run("expired AppRole token is replaced by a new login", func(t *testing.T) {
		approle := env(map[string]string{vault.RoleIDEnv: srv.RoleID, vault.SecretIDEnv: srv.SecretID})
		ab := handle(t, srv, approle, vault.AuthAppRole, target)
		if _, err := sign(t, ab, "billing.svc.internal"); err != nil {
			t.Fatal(err)
		}
		// Every token the AppRole was issued so far is revoked; the next
		// backend takes the cached one, is refused, and logs in again.
		accessors, err := srv.API.Logical().List("auth/token/accessors")
		if err != nil || accessors == nil {
			t.Fatalf("list accessors: %v", err)
		}
		revoked := 0
		for _, a := range accessors.Data["keys"].([]any) {
			info, err := srv.API.Auth().Token().LookupAccessor(a.(string))
			if err == nil && info != nil && info.Data["path"] == "auth/approle/login" {
				if err := srv.API.Auth().Token().RevokeAccessor(a.(string)); err != nil {
					t.Fatal(err)
				}
				revoked++
			}
		}
		if revoked == 0 {
			t.Fatal("found no AppRole token to revoke")
		}
		ab = handle(t, srv, approle, vault.AuthAppRole, target)
		if _, err := sign(t, ab, "billing.svc.internal"); err != nil {
			t.Fatalf("after the cached token was revoked: %v", err)
		}
	})
	t.Run("revoked token", func(t *testing.T) {
		tok, err := srv.API.Auth().Token().Create(nil)
		if err != nil {
			t.Fatal(err)
		}
		tokB := handle(t, srv, env(map[string]string{vault.TokenEnv: tok.Auth.ClientToken}), vault.AuthToken, target)
		if err := srv.API.Auth().Token().RevokeTree(tok.Auth.ClientToken); err != nil {
			t.Fatal(err)
		}
		_, err = sign(t, tokB, "billing.svc.internal")
		expect(t, err, vault.ErrForbidden, "403")
	})
	t.Run("sealed", func(t *testing.T) {
		srv.Seal(t)
		_, err := sign(t, b, "billing.svc.internal")
		expect(t, err, vault.ErrSealed, "unseal")
	})
	t.Run("unreachable", func(t *testing.T) {
		srv.Stop()
		_, err := vault.Discover(ctx, cfg, target)
		expect(t, err, vault.ErrUnreachable, "127.0.0.1")
	})
}

// TestTLS: a -dev-tls server verifies with its CA bundle and is refused
// without it.
func TestTLS(t *testing.T) {
	srv := vaulttest.Start(t, vaulttest.Options{TLS: true})
	getenv := env(map[string]string{vault.TokenEnv: srv.Token})
	b := handle(t, srv, getenv, vault.AuthToken, vault.Target{Mount: "pki", Role: vaulttest.Role})
	if _, err := sign(t, b, "billing.svc.internal"); err != nil {
		t.Fatal(err)
	}
	other, _ := pki.GenerateKey(pki.ECDSAP256)
	wrongCA, err := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "Not Vault's CA"}, Key: other, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), MaxPathLength: 0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, ca := range map[string]string{"system roots": "", "another CA": pki.EncodeCertsPEM(wrongCA.Cert)} {
		t.Run(name, func(t *testing.T) {
			_, err := vault.Discover(context.Background(), vault.Config{Address: srv.Addr, CACertPEM: ca, AuthMethod: vault.AuthToken, Getenv: getenv}, vault.Target{Mount: "pki", Role: vaulttest.Role})
			if !errors.Is(err, vault.ErrTLS) || !strings.Contains(err.Error(), "ca_cert_pem") {
				t.Fatalf("got %v, want ErrTLS", err)
			}
		})
	}
}

// TestSignPinsThePlannedIssuer: a default issuer that changes after the
// handle was made (a rotation between plan and apply) does not sign; the
// issuer the handle names does, and the next handle moves to the new one.
func TestSignPinsThePlannedIssuer(t *testing.T) {
	srv := vaulttest.Start(t, vaulttest.Options{})
	getenv := env(map[string]string{vault.TokenEnv: srv.Token})
	target := vault.Target{Mount: "pki", Role: vaulttest.Role}
	planned := handle(t, srv, getenv, vault.AuthToken, target)
	before, _ := planned.CAChain(context.Background())
	srv.RotateRoot(t, "root-b")
	resp, err := sign(t, planned, "billing.svc.internal")
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Root.Equal(before.Cert) {
		t.Fatalf("signed by %s, want the planned %s", resp.Root.Subject, before.Cert.Subject)
	}
	next := handle(t, srv, getenv, vault.AuthToken, target)
	after, _ := next.CAChain(context.Background())
	if after.Cert.Equal(before.Cert) || after.Cert.Subject.CommonName != "Vault Test Root ROOT-B" {
		t.Fatalf("the next handle did not move to the new default issuer: %s", after.Cert.Subject)
	}
	if resp, err = sign(t, next, "billing.svc.internal"); err != nil || !resp.Root.Equal(after.Cert) {
		t.Fatalf("through the new handle: %v", err)
	}
}
