package provider

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca/stepcatest"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// TestRevokeOnDestroy runs what crank_certificate's Delete does against a
// real step-ca: revoke when the handle opted in (twice is fine: the CA says
// "already revoked"), leave alone when it did not or the certificate has
// expired, and fail, keeping the certificate, when the CA cannot be asked.
func TestRevokeOnDestroy(t *testing.T) {
	srv := stepcatest.Start(t, stepCAPassword)
	t.Setenv(stepca.PasswordEnv, stepCAPassword)
	ctx := context.Background()
	opts, err := stepca.Bootstrap(ctx, srv.URL, srv.RootFingerprint, stepcatest.Provisioner)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := stepca.Encode(opts)
	opts.RevokeOnDestroy = true
	optedIn, _ := stepca.Encode(opts)
	issue := func(t *testing.T, service string) string {
		t.Helper()
		key, _ := pki.GenerateKey(pki.ECDSAP256)
		now := time.Now().Truncate(time.Second)
		u, _ := url.Parse("spiffe://example.org/" + service)
		res, err := issueThrough(optedIn, pki.LeafRequest{PublicKey: key.Public(), URIs: []*url.URL{u}, Usages: []pki.Usage{pki.UsageClient, pki.UsageServer}, NotBefore: now, NotAfter: now.Add(72 * time.Hour)}, key, nil)
		if err != nil {
			t.Fatal(err)
		}
		return pki.EncodeCertsPEM(res.Certificate)
	}
	listed := func(t *testing.T, certPEM string) bool {
		t.Helper()
		_, b, err := resolveBackend(optedIn)
		if err != nil {
			t.Fatal(err)
		}
		crl, err := b.(issuer.CRLPublisher).CRL(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cert, _ := pki.ParseCertPEM(certPEM)
		for _, e := range crl.RevokedCertificateEntries {
			if e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
				return true
			}
		}
		return false
	}
	now := time.Now()

	opted := issue(t, "opted")
	for i := range 2 {
		if d := revokeOnDestroy(ctx, optedIn, opted, now); d.HasError() {
			t.Fatalf("revocation %d: %v", i+1, d)
		}
	}
	if !listed(t, opted) {
		t.Fatal("an opted-in certificate is not on step-ca's CRL after its destroy")
	}
	kept := issue(t, "kept")
	if d := revokeOnDestroy(ctx, plain, kept, now); d.HasError() || listed(t, kept) {
		t.Fatalf("a handle without revoke_on_destroy revoked (%v)", d)
	}
	expired := issue(t, "expired")
	if d := revokeOnDestroy(ctx, optedIn, expired, now.Add(100*time.Hour)); d.HasError() || listed(t, expired) {
		t.Fatalf("an expired certificate was revoked (%v)", d)
	}

	t.Setenv(stepca.PasswordEnv, "")
	d := revokeOnDestroy(ctx, optedIn, kept, now)
	if !d.HasError() || !strings.Contains(d[0].Detail(), stepca.PasswordEnv) || !strings.Contains(d[0].Detail(), "stays in state") {
		t.Fatalf("without the password: %v", d)
	}
	t.Setenv(stepca.PasswordEnv, stepCAPassword)
	srv.Stop()
	d = revokeOnDestroy(ctx, optedIn, kept, now)
	if !d.HasError() || d[0].Summary() != "Could not revoke the certificate at the CA" || !strings.Contains(d[0].Detail(), "step-ca is unreachable") || !strings.Contains(d[0].Detail(), "revoke_on_destroy = false") {
		t.Fatalf("against a stopped server: %v", d)
	}
}
