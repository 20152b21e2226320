package provider

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	// The issuer backends this provider ships register themselves by name.
	_ "github.com/crank-platform/terraform-provider-crank/internal/issuer/acme"
	_ "github.com/crank-platform/terraform-provider-crank/internal/issuer/local"
	_ "github.com/crank-platform/terraform-provider-crank/internal/issuer/pkcs11"
	_ "github.com/crank-platform/terraform-provider-crank/internal/issuer/stepca"
	_ "github.com/crank-platform/terraform-provider-crank/internal/issuer/vault"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// resolveBackend decodes any issuer handle into its backend. Secrets that
// never go into a handle (key passphrase, HSM PIN) come from the environment.
func resolveBackend(handle string) (string, issuer.Backend, error) {
	h, b, err := issuer.Resolve(context.Background(), handle, backendEnv)
	return h.Backend, b, err
}

// resolveIssuer decodes a handle into a CA this provider signs with: what
// child CAs and CRLs need, and certificates of a backend with a local key.
func resolveIssuer(handle string) (*pki.Issuer, error) {
	name, b, err := resolveBackend(handle)
	if err != nil {
		return nil, err
	}
	return issuer.Local(context.Background(), name, b, "sign here")
}

// issuerCertificates decodes a handle only as far as its certificates: enough
// for plan-time checks, and it never needs the key.
func issuerCertificates(handle string) (*x509.Certificate, []*x509.Certificate, error) {
	_, b, err := resolveBackend(handle)
	if err != nil {
		return nil, nil, err
	}
	ch, err := b.CAChain(context.Background())
	if err != nil {
		return nil, nil, err
	}
	return ch.Cert, ch.Parents, nil
}

// issueThrough signs a leaf with whichever backend the handle names, after
// checking the backend writes every field the request sets. key, when this
// provider holds the certificate's private key, signs a CSR for backends
// that need proof of possession; otherwise csr, a request the key's holder
// signed (csr_pem), is that proof, passed on as it is.
func issueThrough(handle string, lr pki.LeafRequest, key crypto.Signer, csr *x509.CertificateRequest) (*issuer.SignResponse, error) {
	name, b, err := resolveBackend(handle)
	if err != nil {
		return nil, err
	}
	if err := issuer.CheckRequest(name, b, lr); err != nil {
		return nil, err
	}
	req := &issuer.SignRequest{Template: lr, CSR: csr}
	if key != nil {
		if req.CSR, err = issuer.LeafCSR(key, lr); err != nil {
			return nil, err
		}
	}
	return b.Sign(context.Background(), req)
}

// planIssuer is the issuer a plan checks a certificate against. A backend
// with a local key must be able to open it now, so a missing key file,
// passphrase or token fails the plan and not the apply.
func planIssuer(handle string) (*pki.Issuer, error) {
	name, b, err := resolveBackend(handle)
	if err != nil {
		return nil, err
	}
	if _, ok := b.(issuer.LocalSigner); ok {
		return issuer.Local(context.Background(), name, b, "sign here")
	}
	ch, err := b.CAChain(context.Background())
	if err != nil {
		return nil, err
	}
	return ch.Issuer(), nil
}

// checkBackendFields turns "the backend cannot write this field" into a
// plan-time error on the attribute, never a silently dropped field.
func checkBackendFields(handle string, lr pki.LeafRequest) diag.Diagnostics {
	var diags diag.Diagnostics
	name, b, err := resolveBackend(handle)
	if err != nil {
		diags.Append(diagBadIssuer(err))
		return diags
	}
	if err := issuer.CheckRequest(name, b, lr); err != nil {
		diags.Append(issueDiag(err))
	}
	return diags
}

// revokeOnDestroy revokes certPEM through the API of the backend of handle
// when that handle asks for it. A certificate that has expired needs no
// revocation, and one the CA has revoked already is what was asked for.
func revokeOnDestroy(ctx context.Context, handle, certPEM string, now time.Time) diag.Diagnostics {
	var diags diag.Diagnostics
	name, b, err := resolveBackend(handle)
	if err != nil {
		return diags
	}
	rd, ok := b.(issuer.RevokeOnDestroy)
	if !ok || !rd.RevokesOnDestroy() {
		return diags
	}
	leaf, err := pki.ParseCertPEM(certPEM)
	if err != nil || !now.Before(leaf.NotAfter) {
		return diags
	}
	_, err = b.Revoke(ctx, &issuer.RevokeRequest{Serial: leaf.SerialNumber, Certificate: leaf, Reason: reasonCessationOfOperation})
	if err != nil && !errors.Is(err, issuer.ErrAlreadyRevoked) {
		diags.AddError("Could not revoke the certificate at the CA",
			fmt.Sprintf("The issuer (backend %q) asks for revocation on destroy, and revoking serial %s failed: %v. The certificate stays in state. Fix the cause and apply again, or set revoke_on_destroy = false on the issuer, apply, and then destroy it.", name, pki.FormatSerial(leaf.SerialNumber), err))
	}
	return diags
}

// reasonCessationOfOperation is RFC 5280's CRLReason 5: the certificate is
// no longer needed, true of a destroyed and of a replaced one alike.
const reasonCessationOfOperation = 5

// checkSuppliedRequest asks a backend that signs only requests whether it
// would sign the supplied one (csr nil: only a public key), so its refusal
// fails the plan on the attribute the key came from, not the apply.
func checkSuppliedRequest(handle string, csr *x509.CertificateRequest, attr string, lr pki.LeafRequest) diag.Diagnostics {
	var diags diag.Diagnostics
	name, b, err := resolveBackend(handle)
	if err != nil {
		return diags
	}
	if cc, ok := b.(issuer.CSRChecker); ok {
		if err := cc.CheckCSR(csr, lr); err != nil {
			diags.AddAttributeError(path.Root(attr), "The issuer cannot sign this key as supplied", fmt.Sprintf("The %q issuer backend: %v.", name, err))
		}
	}
	return diags
}

// issueDiag maps an issuance failure to the attribute at fault.
func issueDiag(err error) diag.Diagnostic {
	var fe *issuer.FieldError
	if errors.As(err, &fe) {
		return diag.NewAttributeErrorDiagnostic(path.Root(string(fe.Field)), "Issuer backend cannot honour "+string(fe.Field), err.Error())
	}
	return policyDiag(err, path.Root("issuer"), "Could not issue the certificate")
}
