package pkcs11_test

import (
	"context"
	"crypto/x509/pkix"
	"errors"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/pkcs11"
	"github.com/crank-platform/terraform-provider-crank/internal/issuer/pkcs11/softhsmtest"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

func token(t *testing.T, keyLabel string) (pkcs11.Token, string) {
	t.Helper()
	if !pkcs11.Built {
		t.Skip("built without cgo: the not-built error is tested instead")
	}
	module, label, pin := softhsmtest.Token(t)
	return pkcs11.Token{Module: module, TokenLabel: label, KeyLabel: keyLabel}, pin
}

// A CA key generated on the token signs a root and, through the backend
// resolved from its handle, a leaf; the handle names the key, never holds it.
func TestTokenKeySignsThroughHandle(t *testing.T) {
	tok, pin := token(t, "root-sign")
	key, created, err := pkcs11.FindOrGenerate(tok, pin, pki.ECDSAP256)
	if err != nil || !created {
		t.Fatalf("FindOrGenerate = %v, created %v", err, created)
	}
	again, created, err := pkcs11.FindOrGenerate(tok, pin, pki.ECDSAP256)
	if err != nil || created || !pki.PublicKeysEqual(again.Public(), key.Public()) {
		t.Fatalf("second FindOrGenerate must find the same key: %v, created %v", err, created)
	}
	now := time.Now()
	root, err := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "HSM Root"}, Key: key, NotBefore: now, NotAfter: now.Add(time.Hour), MaxPathLength: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	handle, err := pkcs11.Encode(root, tok)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(handle, pin) {
		t.Fatal("the handle carries the PIN")
	}
	env := func(k string) string {
		if k == pkcs11.PINEnv {
			return pin
		}
		return ""
	}
	h, b, err := issuer.Resolve(context.Background(), handle, env)
	if err != nil || h.Backend != pkcs11.Name || h.Version != issuer.Version2 {
		t.Fatalf("Resolve = %+v, %v", h, err)
	}
	leafKey, _ := pki.GenerateKey(pki.ECDSAP256)
	u, _ := url.Parse("spiffe://example.org/svc")
	res, err := b.Sign(context.Background(), &issuer.SignRequest{Template: pki.LeafRequest{PublicKey: leafKey.Public(), URIs: []*url.URL{u}, Usages: []pki.Usage{pki.UsageServer}, NotBefore: now, NotAfter: now.Add(time.Minute)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Certificate.CheckSignatureFrom(root.Cert); err != nil {
		t.Fatalf("leaf not signed by the token key: %v", err)
	}
	// opensc's pkcs11-tool, an independent reader, says the key cannot leave.
	if tool, err := exec.LookPath("pkcs11-tool"); err == nil {
		out, err := exec.Command(tool, "--module", tok.Module, "--token-label", tok.TokenLabel, "--login", "--pin", pin, "--list-objects", "--type", "privkey", "--label", tok.KeyLabel).CombinedOutput()
		if err != nil {
			t.Fatalf("pkcs11-tool: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "never extractable") || !strings.Contains(string(out), "sensitive") {
			t.Fatalf("the CA key is extractable:\n%s", out)
		}
	} else {
		t.Fatal("pkcs11-tool (Debian package opensc) is required with softhsm2")
	}
}

func TestTokenDiagnostics(t *testing.T) {
	tok, pin := token(t, "diag-key")
	if _, _, err := pkcs11.FindOrGenerate(tok, pin, pki.ECDSAP256); err != nil {
		t.Fatal(err)
	}
	other, _ := pki.GenerateKey(pki.ECDSAP256)
	otherFP, _ := pki.PublicKeyFingerprint(other.Public())
	for _, tc := range []struct {
		name string
		tok  pkcs11.Token
		pin  string
		fp   string
		want error
		msg  string
	}{
		{"missing module", pkcs11.Token{Module: "/nonexistent/libhsm.so", TokenLabel: tok.TokenLabel, KeyLabel: tok.KeyLabel}, pin, "", pkcs11.ErrModuleMissing, "/nonexistent/libhsm.so"},
		{"not a PKCS#11 module", pkcs11.Token{Module: "/etc/hostname", TokenLabel: tok.TokenLabel, KeyLabel: tok.KeyLabel}, pin, "", pkcs11.ErrModule, "/etc/hostname"},
		{"wrong PIN", tok, "not-the-pin", "", pkcs11.ErrWrongPIN, "differs from the PIN this run already logged in with"},
		{"no PIN", tok, "", "", pkcs11.ErrNoPIN, pkcs11.PINEnv},
		{"missing key label", pkcs11.Token{Module: tok.Module, TokenLabel: tok.TokenLabel, KeyLabel: "no-such-key"}, pin, "", pkcs11.ErrNoKey, "no-such-key"},
		{"missing token", pkcs11.Token{Module: tok.Module, TokenLabel: "no-such-token", KeyLabel: tok.KeyLabel}, pin, "", pkcs11.ErrNoToken, "no-such-token"},
		{"key replaced under the label", tok, pin, otherFP, pkcs11.ErrWrongKey, otherFP},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pkcs11.Find(tc.tok, tc.pin, tc.fp)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("Find = %v, want %v mentioning %q", err, tc.want, tc.msg)
			}
			if strings.Contains(err.Error(), pin) {
				t.Fatalf("the error shows the PIN: %v", err)
			}
		})
	}
}

// A wrong PIN on a token this process has not logged in to is refused by
// the token itself (CKR_PIN_INCORRECT), and the error says which token.
func TestTokenRefusesWrongPIN(t *testing.T) {
	tok, pin := token(t, "wrong-pin-key")
	pkcs11.LogOutAll()
	_, err := pkcs11.Find(tok, pin+"-wrong", "")
	if !errors.Is(err, pkcs11.ErrWrongPIN) || !strings.Contains(err.Error(), "CKR_PIN_INCORRECT") {
		t.Fatalf("Find with a wrong PIN = %v", err)
	}
	if _, err := pkcs11.Find(tok, pin, ""); !errors.Is(err, pkcs11.ErrNoKey) {
		t.Fatalf("the right PIN must log in after a wrong one: %v", err)
	}
}
