package provider

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer/pkcs11"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// A CA with an external parent (an offline root kept in a safe, another
// team's CA) is made in two applies: the first makes its key here and
// exposes csr_pem; the CSR is signed elsewhere; the second takes the signed
// certificate back, checks it, and only then sets `issuer`.

// privateExternalKey is the private-state key that holds the key of an
// unsigned CA with key_storage = "state" until its certificate arrives;
// afterwards the key lives in the issuer handle like any in-state CA key.
const privateExternalKey = "external_ca_key"

func caExternalAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"external_parent": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "The parent CA is outside Terraform, for example an offline root. The key is made here (in state, a key file or an HSM, per `key_storage`) and the certificate is signed elsewhere: " +
				"apply once, sign `csr_pem` (`openssl x509 -req -copy_extensions copyall ...`, or `openssl ca` with `copy_extensions = copy`), then set `signed_cert_pem` and `signed_chain_pem`. " +
				"Until then `issuer` is null. Conflicts with `parent` and `validity` (the signing CA decides the validity).",
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
		},
		"csr_pem": computedString("With `external_parent`: the certificate signing request to sign, PEM. It asks for the CA extensions this CA needs (basic constraints, key usage, name constraints, subject key identifier)."),
		"signed_cert_pem": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "With `external_parent`: the certificate the external parent signed from `csr_pem`, PEM. It must certify this CA's key, be a CA with `keyCertSign`, carry this CA's `max_path_length` and `name_constraints` exactly, and chain through `signed_chain_pem` to a self-signed root; otherwise the plan fails and nothing changes. " +
				"Setting it updates the CA in place; removing it replaces the CA (new key, new CSR).",
		},
		"signed_chain_pem": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "With `external_parent`: the certificates above this CA, nearest first, ending with the self-signed root, PEM. Required with `signed_cert_pem`.",
		},
	}
}

func (m *caModel) external() bool { return m.ExternalParent.ValueBool() }

// pendingSignature reports a CA that waits for its signed certificate.
func (m *caModel) pendingSignature() bool { return m.external() && !knownString(m.Issuer) }

func validateExternalConfig(cfg *caModel, diags *diag.Diagnostics) {
	if cfg.ExternalParent.IsUnknown() {
		return
	}
	ext := cfg.external()
	switch {
	case ext && !cfg.Parent.IsNull():
		diags.AddAttributeError(path.Root("external_parent"), "external_parent conflicts with parent",
			"parent names a crank_ca that signs this CA here; external_parent says a CA outside Terraform signs it from csr_pem. Keep one.")
	case ext && !cfg.Validity.IsNull():
		diags.AddAttributeError(path.Root("validity"), "validity is decided by the external parent",
			"With external_parent the CA that signs csr_pem sets the validity (openssl: -days). Remove validity.")
	case !ext && (!cfg.SignedCertPEM.IsNull() || !cfg.SignedChainPEM.IsNull()):
		diags.AddAttributeError(path.Root("signed_cert_pem"), "signed_cert_pem needs external_parent = true",
			"signed_cert_pem and signed_chain_pem take back a certificate signed outside Terraform. Set external_parent = true, or remove them.")
	case ext && cfg.SignedCertPEM.IsNull() != cfg.SignedChainPEM.IsNull() && !cfg.SignedCertPEM.IsUnknown() && !cfg.SignedChainPEM.IsUnknown():
		diags.AddAttributeError(path.Root("signed_chain_pem"), "signed_cert_pem and signed_chain_pem go together",
			"Give the signed certificate and the chain above it (nearest first, ending with the root) together.")
	}
}

// planExternalCreate refuses a signed certificate on a CA that has no CSR
// yet: it could not be for this CA's key, which does not exist.
func planExternalCreate(plan *caModel, diags *diag.Diagnostics) {
	if plan.external() && !plan.SignedCertPEM.IsNull() {
		diags.AddAttributeError(path.Root("signed_cert_pem"), "signed_cert_pem set before the CSR exists",
			"This CA is being created, so its key and csr_pem are new and no certificate signed earlier can be for them. Remove signed_cert_pem and signed_chain_pem, apply, sign the new csr_pem, then set them.")
	}
}

// planExternalUpdate plans taking a signed certificate back. It returns
// whether it handled the plan, and the paths that force replacement.
func (r *caResource) planExternalUpdate(plan, state *caModel, diags *diag.Diagnostics) (bool, []path.Path) {
	if !state.external() {
		return false, nil
	}
	if state.pendingSignature() && !plan.KeyStorage.Equal(state.KeyStorage) {
		return true, []path.Path{path.Root("key_storage")}
	}
	if plan.SignedCertPEM.Equal(state.SignedCertPEM) && plan.SignedChainPEM.Equal(state.SignedChainPEM) {
		// An unsigned CA has no handle for the key storage checks to read.
		return state.pendingSignature(), nil
	}
	if plan.SignedCertPEM.IsNull() {
		return true, []path.Path{path.Root("signed_cert_pem")}
	}
	markCAOutputsUnknown(plan)
	if plan.SignedCertPEM.IsUnknown() || plan.SignedChainPEM.IsUnknown() {
		return true, nil
	}
	cert, _, err := r.checkSigned(plan, state, r.data.now())
	if err != nil {
		diags.Append(diagSignedCA(err))
		return true, nil
	}
	iss := &pki.Issuer{Cert: cert}
	setCAOutputs(plan, iss, "")
	plan.ChainPEM = types.StringUnknown()
	plan.Issuer = types.StringUnknown()
	return true, nil
}

func markCAOutputsUnknown(m *caModel) {
	for _, v := range []*types.String{&m.ID, &m.CertPEM, &m.ChainPEM, &m.NotBefore, &m.NotAfter, &m.Serial, &m.SubjectKeyID, &m.FingerprintSHA256, &m.Issuer} {
		*v = types.StringUnknown()
	}
}

// checkSigned parses and checks the signed certificate against this CA's
// CSR and configuration; it needs no private key.
func (r *caResource) checkSigned(plan, state *caModel, now time.Time) (*x509.Certificate, []*x509.Certificate, error) {
	csr, err := pki.ParseCSRPEM(state.CSRPEM.ValueString())
	if err != nil {
		return nil, nil, fmt.Errorf("the CA's own csr_pem in state is unreadable (%v); replace the CA", err)
	}
	cert, err := pki.ParseCertPEM(plan.SignedCertPEM.ValueString())
	if err != nil {
		return nil, nil, fmt.Errorf("signed_cert_pem: %w", err)
	}
	parents, err := pki.ParseCertsPEM(plan.SignedChainPEM.ValueString())
	if err != nil {
		return nil, nil, fmt.Errorf("signed_chain_pem: %w", err)
	}
	caDefaults(plan)
	creq, err := r.buildRequest(plan, now)
	if err != nil {
		return nil, nil, err
	}
	creq.Subject = csr.Subject
	if err := pki.CheckSignedCA(creq, csr.PublicKey, cert, parents, now); err != nil {
		return nil, nil, err
	}
	return cert, parents, nil
}

func diagSignedCA(err error) diag.Diagnostic {
	summary := "Signed certificate refused"
	switch {
	case errors.Is(err, pki.ErrSignedForOtherKey):
		summary = "Signed certificate is for another key"
	case errors.Is(err, pki.ErrSignedNotCA):
		summary = "Signed certificate is not a CA"
	case errors.Is(err, pki.ErrSignedConstraints):
		summary = "Signed certificate has other CA constraints"
	case errors.Is(err, pki.ErrSignedChain):
		return diag.NewAttributeErrorDiagnostic(path.Root("signed_chain_pem"), "Signed certificate does not chain to the given root", err.Error())
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("signed_cert_pem"), summary, err.Error()+". Nothing was changed: the CA keeps waiting for a certificate that passes.")
}

type externalKeyState struct {
	PKCS8 string `json:"pkcs8"`
}

// createExternal makes the key and the CSR. The key is stored last, after
// everything that can fail, so a failed create leaves no orphaned key file.
func (r *caResource) createExternal(ctx context.Context, m *caModel, creq pki.CARequest, cfg caModel, resp *resource.CreateResponse) {
	key, discard, d := newCAKey(m, cfg)
	if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
		return
	}
	creq.Key = key
	csr, err := pki.CreateCACSR(creq)
	if err != nil {
		discard()
		resp.Diagnostics.Append(policyDiag(err, path.Root("subject"), "Could not create the CSR"))
		return
	}
	switch m.KeyStorage.ValueString() {
	case keyStoragePKCS11:
		// The key is on the token already.
	case keyStorageFile:
		pass, d := creationPassphrase(cfg.KeyPassphraseWO)
		if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
			return
		}
		if err := pki.WriteKeyFile(m.KeyFile.ValueString(), key, pass); err != nil {
			if d, ok := keyFileDiag(err, path.Root("key_file")); ok {
				resp.Diagnostics.Append(d)
			} else {
				resp.Diagnostics.AddAttributeError(path.Root("key_file"), "Could not write the CA key file", err.Error()+". Nothing was written.")
			}
			return
		}
	default:
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			resp.Diagnostics.AddError("Could not encode the CA key", err.Error())
			return
		}
		raw, _ := json.Marshal(externalKeyState{PKCS8: base64.StdEncoding.EncodeToString(der)})
		if resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateExternalKey, raw)...); resp.Diagnostics.HasError() {
			return
		}
	}
	fp, _ := pki.PublicKeyFingerprint(key.Public())
	m.ID = types.StringValue("csr:" + fp)
	m.CSRPEM = types.StringValue(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr.Raw})))
	for _, v := range []*types.String{&m.CertPEM, &m.ChainPEM, &m.NotBefore, &m.NotAfter, &m.Serial, &m.SubjectKeyID, &m.FingerprintSHA256, &m.Issuer} {
		*v = types.StringNull()
	}
}

// updateExternal takes the signed certificate back: checked again (the
// plan may be old), then the key is opened and must match, and only then
// does the CA get an issuer handle.
func (r *caResource) updateExternal(ctx context.Context, m, state *caModel, cfg caModel, req resource.UpdateRequest, resp *resource.UpdateResponse) bool {
	if !state.external() || (m.SignedCertPEM.Equal(state.SignedCertPEM) && m.SignedChainPEM.Equal(state.SignedChainPEM)) {
		return false
	}
	cert, parents, err := r.checkSigned(m, state, r.data.now())
	if err != nil {
		resp.Diagnostics.Append(diagSignedCA(err))
		return true
	}
	fp, _ := pki.PublicKeyFingerprint(cert.PublicKey)
	var key crypto.Signer
	switch m.KeyStorage.ValueString() {
	case keyStoragePKCS11:
		var d diag.Diagnostics
		key, d = tokenKey(m, cfg.PKCS11PinWO, fp)
		if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
			return true
		}
	case keyStorageFile:
		pass := envPassphrase()
		if knownString(cfg.KeyPassphraseWO) {
			pass = cfg.KeyPassphraseWO.ValueString()
		}
		if key, err = pki.ReadKeyFile(m.KeyFile.ValueString(), pass, fp); err != nil {
			d, _ := keyFileDiag(err, path.Root("key_file"))
			resp.Diagnostics.Append(d)
			return true
		}
	default:
		if key, err = r.privateExternalKey(ctx, req, state); err != nil {
			resp.Diagnostics.AddError("The CA key is missing", err.Error())
			return true
		}
	}
	iss := &pki.Issuer{Cert: cert, Key: key, Parents: parents}
	if err := iss.Check(); err != nil {
		resp.Diagnostics.Append(diagSignedCA(err))
		return true
	}
	var handle string
	switch m.KeyStorage.ValueString() {
	case keyStoragePKCS11:
		handle, err = pkcs11.Encode(iss, m.PKCS11.token())
	case keyStorageFile:
		handle, err = pki.EncodeFileHandle(iss, m.KeyFile.ValueString())
	default:
		handle, err = pki.EncodeHandle(iss)
	}
	if err != nil {
		resp.Diagnostics.AddError("Could not encode the issuer handle", err.Error())
		return true
	}
	setCAOutputs(m, iss, handle)
	if m.KeyStorage.ValueString() == keyStorageState {
		// The handle carries the key from now on; one copy is enough.
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateExternalKey, nil)...)
	}
	return true
}

func (r *caResource) privateExternalKey(ctx context.Context, req resource.UpdateRequest, state *caModel) (crypto.Signer, error) {
	if !state.pendingSignature() {
		// Re-signed later: the key is in the current handle.
		iss, err := resolveIssuer(state.Issuer.ValueString())
		if err != nil {
			return nil, err
		}
		return iss.Key, nil
	}
	raw, d := req.Private.GetKey(ctx, privateExternalKey)
	if d.HasError() || len(raw) == 0 {
		return nil, errors.New("the key of this unsigned CA is not in its private state (was the state edited?). Remove signed_cert_pem to replace the CA and sign its new CSR")
	}
	var ks externalKeyState
	if err := json.Unmarshal(raw, &ks); err != nil {
		return nil, err
	}
	der, err := base64.StdEncoding.DecodeString(ks.PKCS8)
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("key type %T cannot sign", k)
	}
	return s, nil
}

// removePendingKeyFile deletes the key file of a CA destroyed before it was
// signed, under the same rule as a signed one: only if it provably holds
// this CA's key.
func removePendingKeyFile(m *caModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if !m.pendingSignature() || m.KeyStorage.ValueString() != keyStorageFile {
		return diags
	}
	csr, err := pki.ParseCSRPEM(m.CSRPEM.ValueString())
	if err != nil {
		return diags
	}
	fp, _ := pki.PublicKeyFingerprint(csr.PublicKey)
	if _, err := pki.ReadKeyFile(m.KeyFile.ValueString(), envPassphrase(), fp); err != nil {
		if !errors.Is(err, pki.ErrKeyFileMissing) {
			diags.AddAttributeWarning(path.Root("key_file"), "CA key file left in place",
				fmt.Sprintf("The unsigned CA was destroyed but its key file %s was not deleted: %v. Delete it yourself once you are sure it is not needed.", m.KeyFile.ValueString(), err))
		}
		return diags
	}
	if err := os.Remove(m.KeyFile.ValueString()); err != nil {
		diags.AddAttributeWarning(path.Root("key_file"), "CA key file left in place", fmt.Sprintf("Deleting %s failed: %v. Delete it yourself.", m.KeyFile.ValueString(), err))
	}
	return diags
}
