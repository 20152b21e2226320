package provider

import (
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// What crank_certificate does differently for a CA that is not signed here
// (Vault): the CSR a user supplied is sent as it is, the key checks of a
// plan see a key of the planned algorithm, and destroy can revoke.

// plannedKeys holds one throwaway public key per algorithm, made on first
// use, so a backend's key checks (a Vault role's key_type and key_bits) run
// at plan time on a key of the algorithm the apply will generate.
var plannedKeys sync.Map

func plannedKey(alg pki.KeyAlgorithm) (crypto.PublicKey, error) {
	if k, ok := plannedKeys.Load(alg); ok {
		return k.(crypto.PublicKey), nil
	}
	key, err := pki.GenerateKey(alg)
	if err != nil {
		return nil, err
	}
	k, _ := plannedKeys.LoadOrStore(alg, key.Public())
	return k.(crypto.PublicKey), nil
}

// checkRemoteRequest runs the checks a backend that signs elsewhere needs at
// plan time: a CSR must be possible, and its own request checks see the
// key the certificate will have.
func checkRemoteRequest(handle string, lr pki.LeafRequest, alg pki.KeyAlgorithm, haveCSR bool) diag.Diagnostics {
	var diags diag.Diagnostics
	name, b, err := resolveBackend(handle)
	if err != nil {
		return diags
	}
	if cs, ok := b.(issuer.CSRSigner); ok && cs.NeedsCSR() && lr.PublicKey != nil && !haveCSR {
		diags.AddAttributeError(path.Root("public_key_pem"), "Issuer backend signs only CSRs",
			fmt.Sprintf("The %q issuer backend signs certificate signing requests only, and a bare public key (public_key_pem or public_key_pem_wo) cannot make one. Let crank_certificate generate the key, or give csr_pem.", name))
		return diags
	}
	if _, ok := b.(issuer.RequestChecker); ok && lr.PublicKey == nil {
		if lr.PublicKey, err = plannedKey(alg); err != nil {
			return diags
		}
		if err := issuer.CheckRequest(name, b, lr); err != nil {
			diags.Append(issueDiag(err))
		}
	}
	return diags
}

// suppliedCSR is the csr_pem of a configuration, for backends that sign
// the request itself.
func suppliedCSR(m *certificateModel) *x509.CertificateRequest {
	if !knownString(m.CSRPEM) {
		return nil
	}
	csr, err := pki.ParseCSRPEM(m.CSRPEM.ValueString())
	if err != nil {
		return nil
	}
	return csr
}

// issueFor issues a certificate: a supplied csr_pem goes to the backend as
// it is (a CSR-only backend needs it), anything else through issueThrough.
func issueFor(cfg *certificateModel, handle string, lr pki.LeafRequest, key crypto.Signer) (*issuer.SignResponse, error) {
	if csr := suppliedCSR(cfg); csr != nil {
		return issueSuppliedCSR(handle, lr, csr)
	}
	return issueThrough(handle, lr, key)
}

// issueSuppliedCSR signs a user's CSR through the handle's backend.
func issueSuppliedCSR(handle string, lr pki.LeafRequest, csr *x509.CertificateRequest) (*issuer.SignResponse, error) {
	name, b, err := resolveBackend(handle)
	if err != nil {
		return nil, err
	}
	if err := issuer.CheckRequest(name, b, lr); err != nil {
		return nil, err
	}
	return b.Sign(context.Background(), &issuer.SignRequest{Template: lr, CSR: csr})
}

// revokeOnDestroy revokes a destroyed certificate through its CA when the
// issuer handle opted in. A failure fails the destroy, so the certificate
// stays in state and the next destroy tries again: a revocation is never
// dropped silently.
func revokeOnDestroy(ctx context.Context, state tfsdk.State) diag.Diagnostics {
	var diags diag.Diagnostics
	var handle, certPEM types.String
	diags.Append(state.GetAttribute(ctx, path.Root("issuer"), &handle)...)
	diags.Append(state.GetAttribute(ctx, path.Root("cert_pem"), &certPEM)...)
	if diags.HasError() || !knownString(handle) || !knownString(certPEM) {
		return diags
	}
	name, b, err := resolveBackend(handle.ValueString())
	if err != nil {
		return diags
	}
	dr, ok := b.(issuer.DestroyRevoker)
	if !ok || !dr.RevokeOnDestroy() {
		return diags
	}
	cert, err := pki.ParseCertPEM(certPEM.ValueString())
	if err != nil {
		diags.AddError("Cannot revoke the certificate", "Its cert_pem in state is unreadable: "+err.Error())
		return diags
	}
	if _, err := b.Revoke(ctx, &issuer.RevokeRequest{Serial: cert.SerialNumber, Certificate: cert, Reason: 5}); err != nil {
		diags.AddAttributeError(path.Root("issuer"), "Could not revoke the certificate on destroy",
			fmt.Sprintf("The %q issuer revokes its certificates on destroy (revoke_on_destroy), and revoking serial %s failed: %v. The certificate stays in state; fix the cause and destroy again, or set revoke_on_destroy = false and apply before destroying.", name, pki.FormatSerial(cert.SerialNumber), err))
	}
	return diags
}
