package stepca_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca/stepcatest"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

const password = "provisioner-password-for-tests"

func envWith(pass string) func(string) string {
	return func(k string) string {
		if k == stepca.PasswordEnv {
			return pass
		}
		return ""
	}
}

func request(t *testing.T, validity time.Duration, usages ...pki.Usage) (pki.LeafRequest, *x509.CertificateRequest) {
	t.Helper()
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	u, _ := url.Parse("spiffe://example.org/billing")
	now := time.Now().Truncate(time.Second)
	if len(usages) == 0 {
		usages = []pki.Usage{pki.UsageServer, pki.UsageClient}
	}
	lr := pki.LeafRequest{PublicKey: key.Public(), URIs: []*url.URL{u}, DNSNames: []string{"billing.svc.internal"}, Usages: usages, NotBefore: now, NotAfter: now.Add(validity)}
	csr, err := issuer.LeafCSR(key, lr)
	if err != nil {
		t.Fatal(err)
	}
	return lr, csr
}

func backend(t *testing.T, srv *stepcatest.Server, pass string) issuer.Backend {
	t.Helper()
	o, err := stepca.Bootstrap(context.Background(), srv.URL, srv.RootFingerprint, stepcatest.Provisioner)
	if err != nil {
		t.Fatal(err)
	}
	handle, err := stepca.Encode(o)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(handle, srv.Password) {
		t.Fatal("the handle carries the provisioner password")
	}
	_, b, err := issuer.Resolve(context.Background(), handle, envWith(pass))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// One real step-ca serves every case: issuance, revocation through the API,
// and each diagnostic, ending with the server stopped.
func TestStepCA(t *testing.T) {
	srv := stepcatest.Start(t, password)
	ctx := context.Background()
	b := backend(t, srv, password)

	var issued *x509.Certificate
	t.Run("sign", func(t *testing.T) {
		lr, csr := request(t, 48*time.Hour)
		res, err := b.Sign(ctx, &issuer.SignRequest{Template: lr, CSR: csr})
		if err != nil {
			t.Fatal(err)
		}
		issued = res.Certificate
		if len(issued.URIs) != 1 || issued.URIs[0].String() != "spiffe://example.org/billing" || len(issued.DNSNames) != 1 {
			t.Fatalf("SANs not honoured: %v %v", issued.URIs, issued.DNSNames)
		}
		if !issued.NotAfter.Equal(lr.NotAfter) {
			t.Fatalf("validity not honoured: %s, asked %s", issued.NotAfter, lr.NotAfter)
		}
		ch, _ := b.CAChain(ctx)
		if !res.Root.Equal(ch.Parents[len(ch.Parents)-1]) || len(res.Intermediates) != 1 || !res.Intermediates[0].Equal(ch.Cert) {
			t.Fatal("the chain is not the pinned root and its intermediate")
		}
	})
	t.Run("revoke through the API", func(t *testing.T) {
		if issued == nil {
			t.Skip("sign failed")
		}
		if _, err := b.Revoke(ctx, &issuer.RevokeRequest{Serial: issued.SerialNumber, Reason: 1}); err != nil {
			t.Fatal(err)
		}
		// The server itself now knows it: a second revocation is refused.
		_, err := b.Revoke(ctx, &issuer.RevokeRequest{Serial: issued.SerialNumber, Reason: 1})
		if !errors.Is(err, stepca.ErrRejected) || !errors.Is(err, issuer.ErrAlreadyRevoked) || !strings.Contains(err.Error(), "already revoked") {
			t.Fatalf("second Revoke = %v, want step-ca's 'already revoked'", err)
		}
		// And its CRL, signed on revocation and checked against the
		// intermediate, lists the serial with the reason given.
		crl, err := b.(issuer.CRLPublisher).CRL(ctx)
		if err != nil {
			t.Fatal(err)
		}
		listed := false
		for _, e := range crl.RevokedCertificateEntries {
			listed = listed || e.SerialNumber.Cmp(issued.SerialNumber) == 0 && e.ReasonCode == 1
		}
		if !listed {
			t.Fatalf("step-ca's CRL (number %s) does not list serial %s with reason keyCompromise", crl.Number, issued.SerialNumber)
		}
	})
	t.Run("request refused by the server shows its message", func(t *testing.T) {
		lr, csr := request(t, 5000*time.Hour)
		_, err := b.Sign(ctx, &issuer.SignRequest{Template: lr, CSR: csr})
		if !errors.Is(err, stepca.ErrRejected) || !strings.Contains(err.Error(), "HTTP 403") && !strings.Contains(err.Error(), "HTTP 400") && !strings.Contains(err.Error(), "HTTP 401") {
			t.Fatalf("Sign of a too long validity = %v", err)
		}
	})
	t.Run("usages the template cannot honour", func(t *testing.T) {
		lr, _ := request(t, time.Hour, pki.UsageServer)
		err := issuer.CheckRequest(stepca.Name, b, lr)
		var fe *issuer.FieldError
		if !errors.As(err, &fe) || fe.Field != issuer.FieldUsages || fe.Backend != stepca.Name {
			t.Fatalf("CheckRequest = %v", err)
		}
	})
	t.Run("a CSR with other names is refused, as step-ca refuses it", func(t *testing.T) {
		lr, _ := request(t, time.Hour)
		other, csr := request(t, time.Hour)
		other.DNSNames = append(other.DNSNames, "extra.svc.internal")
		if err := b.(issuer.CSRChecker).CheckCSR(csr, other); !errors.Is(err, stepca.ErrCSRNames) || !strings.Contains(err.Error(), "extra.svc.internal") {
			t.Fatalf("CheckCSR of other names = %v", err)
		}
		if err := b.(issuer.CSRChecker).CheckCSR(csr, lr); err != nil {
			t.Fatalf("CheckCSR of the same names = %v", err)
		}
		if err := b.(issuer.CSRChecker).CheckCSR(nil, lr); !errors.Is(err, stepca.ErrNeedsCSR) {
			t.Fatalf("CheckCSR without a CSR = %v", err)
		}
		// The server itself draws the same line.
		if _, err := b.Sign(ctx, &issuer.SignRequest{Template: other, CSR: csr}); !errors.Is(err, stepca.ErrRejected) || !strings.Contains(err.Error(), "HTTP 403") {
			t.Fatalf("Sign of a CSR with other names = %v, want step-ca's 403", err)
		}
	})
	t.Run("no CSR", func(t *testing.T) {
		lr, _ := request(t, time.Hour)
		if _, err := b.Sign(ctx, &issuer.SignRequest{Template: lr}); !errors.Is(err, stepca.ErrNeedsCSR) {
			t.Fatalf("Sign without CSR = %v", err)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		lr, csr := request(t, time.Hour)
		_, err := backend(t, srv, "not-the-password").Sign(ctx, &issuer.SignRequest{Template: lr, CSR: csr})
		if !errors.Is(err, stepca.ErrWrongPassword) || strings.Contains(err.Error(), "not-the-password") {
			t.Fatalf("Sign with a wrong password = %v", err)
		}
	})
	t.Run("no password", func(t *testing.T) {
		lr, csr := request(t, time.Hour)
		if _, err := backend(t, srv, "").Sign(ctx, &issuer.SignRequest{Template: lr, CSR: csr}); !errors.Is(err, stepca.ErrNoPassword) {
			t.Fatalf("Sign without password = %v", err)
		}
	})
	t.Run("wrong fingerprint", func(t *testing.T) {
		wrong := strings.Repeat("ab", 32)
		_, err := stepca.Bootstrap(ctx, srv.URL, wrong, stepcatest.Provisioner)
		if !errors.Is(err, stepca.ErrFingerprint) {
			t.Fatalf("Bootstrap with a wrong fingerprint = %v", err)
		}
		if _, err := stepca.Bootstrap(ctx, srv.URL, "abc", stepcatest.Provisioner); err == nil || !strings.Contains(err.Error(), "64 hex digits") {
			t.Fatalf("Bootstrap with a malformed fingerprint = %v", err)
		}
	})
	t.Run("unknown provisioner", func(t *testing.T) {
		_, err := stepca.Bootstrap(ctx, srv.URL, srv.RootFingerprint, "nobody")
		if !errors.Is(err, stepca.ErrNoProvisioner) || !strings.Contains(err.Error(), "JWK crank") {
			t.Fatalf("Bootstrap with an unknown provisioner = %v", err)
		}
	})
	t.Run("stopped server", func(t *testing.T) {
		srv.Stop()
		lr, csr := request(t, time.Hour)
		if _, err := b.Sign(ctx, &issuer.SignRequest{Template: lr, CSR: csr}); !errors.Is(err, stepca.ErrUnreachable) {
			t.Fatalf("Sign against a stopped server = %v", err)
		}
		if _, err := stepca.Bootstrap(ctx, srv.URL, srv.RootFingerprint, stepcatest.Provisioner); !errors.Is(err, stepca.ErrUnreachable) {
			t.Fatalf("Bootstrap against a stopped server = %v", err)
		}
	})
}
