package provider

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// caSchemaVersion 1 added key_storage. Its default "state" would otherwise
// differ from the null in version-0 states and plan a change on every
// existing CA after a provider upgrade.
const caSchemaVersion = 1

func keyStorageDescription() string {
	return "Where the CA private key is kept. Accepted values: `" + keyStorageState + "` (default; the key is in the `issuer` attribute in state, sensitive — for development) and `" + keyStorageFile + "` " +
		"(the key is written once, atomically and with mode 0600, as an encrypted PKCS#8 file at `key_file`; state holds only the path and the public key fingerprint). " +
		"Changing `" + keyStorageState + "` to `" + keyStorageFile + "` moves the existing key into the file in place; the reverse replaces the CA. " +
		"`" + keyStoragePKCS11 + "` keeps the key on a PKCS#11 token (an HSM) named by `pkcs11`: generated there or found by label, it never leaves the token, and state holds only where it is; moving a key onto or off a token replaces the CA."
}

func keyFileDescription() string {
	return "Path of the encrypted key file, required when `key_storage = \"file\"`. A relative path is relative to the directory Terraform runs in, so the same configuration works on every machine that has the file there. " +
		"Its directory must exist. crank never overwrites a key file: when the CA is created and the file exists, the create adopts it only if it records a CA of this subject under this parent (an earlier apply was interrupted, or the state was lost) and fails otherwise; see the guide \"Recovering from failed applies and lost state\". " +
		"The file also records the CA certificate (public) after the key. Changing the path after moving the file updates the CA in place after checking the file holds this CA's key. " +
		"On destroy the file is deleted only if `" + pki.KeyPassphraseEnv + "` decrypts it and it holds this CA's key; otherwise (gone, wrong passphrase, another CA's key) the destroy still finishes and the file is left in place with a warning."
}

func keyPassphraseDescription() string {
	return fmt.Sprintf("Write-only passphrase (at least %d characters) that encrypts the key file when the CA is created, and that every plan uses to check the file. "+
		"Never stored in plan or state. Defaults to the environment variable `%s`. "+
		"Resources that sign with this CA — certificates, child CAs, CRLs — cannot see a write-only value of another resource, and later runs cannot see it either, so they decrypt the key with `%s`: "+
		"set that variable (to the same passphrase) wherever plan and apply run. Setting both to different values is an error.", pki.MinPassphraseLength, pki.KeyPassphraseEnv, pki.KeyPassphraseEnv)
}

func (r *caResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg caModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if !resp.Diagnostics.HasError() {
		validateExternalConfig(&cfg, &resp.Diagnostics)
		validatePKCS11Config(&cfg, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() || cfg.KeyStorage.IsUnknown() || cfg.KeyFile.IsUnknown() {
		return
	}
	file := cfg.KeyStorage.ValueString() == keyStorageFile
	switch {
	case file && cfg.KeyFile.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("key_file"), "key_file is required",
			`key_storage = "file" keeps the CA key in an encrypted file, so key_file must say where, for example key_file = "${path.root}/keys/root-ca.key".`)
	case !file && !cfg.KeyFile.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("key_file"), "key_file needs key_storage = \"file\"",
			`key_file is set but the key would be kept in state. Add key_storage = "file", or remove key_file.`)
	case !file && !cfg.KeyPassphraseWO.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("key_passphrase_wo"), "key_passphrase_wo needs key_storage = \"file\"",
			`A passphrase only protects a key file. Add key_storage = "file" and key_file, or remove key_passphrase_wo.`)
	case file && cfg.KeyFile.ValueString() == "":
		resp.Diagnostics.AddAttributeError(path.Root("key_file"), "key_file is empty", "Set key_file to the path of the key file to create.")
	}
}

func (r *caResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{0: {StateUpgrader: upgradeCAStateV0}}
}

// upgradeCAStateV0 works on the raw JSON: version 0 is version 1 without the
// key storage attributes, and every version-0 CA kept its key in state.
func upgradeCAStateV0(_ context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	if req.RawState == nil || req.RawState.JSON == nil {
		resp.Diagnostics.AddError("Cannot upgrade crank_ca state", "The version 0 state has no JSON form.")
		return
	}
	var raw map[string]any
	if err := json.Unmarshal(req.RawState.JSON, &raw); err != nil {
		resp.Diagnostics.AddError("Cannot upgrade crank_ca state", err.Error())
		return
	}
	raw["key_storage"] = keyStorageState
	raw["key_file"] = nil
	raw["key_passphrase_wo"] = nil
	out, err := json.Marshal(raw)
	if err != nil {
		resp.Diagnostics.AddError("Cannot upgrade crank_ca state", err.Error())
		return
	}
	resp.DynamicValue = &tfprotov6.DynamicValue{JSON: out}
}

// creationPassphrase picks the passphrase that encrypts a new key file.
func creationPassphrase(wo types.String) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	env := envPassphrase()
	pass := env
	if knownString(wo) {
		pass = wo.ValueString()
		if env != "" && env != pass {
			diags.AddAttributeError(path.Root("key_passphrase_wo"), "Two different key passphrases",
				fmt.Sprintf("key_passphrase_wo and %s are both set but differ. Certificates, child CAs and CRLs read the key file with %s, so they could not use this CA. Make them equal, or unset one.", pki.KeyPassphraseEnv, pki.KeyPassphraseEnv))
			return "", diags
		}
	}
	if err := pki.CheckPassphrase(pass); err != nil {
		if errors.Is(err, pki.ErrNoPassphrase) {
			diags.AddAttributeError(path.Root("key_passphrase_wo"), "No passphrase for the CA key file",
				fmt.Sprintf("key_storage = \"file\" encrypts the CA key. Export %s (it is also what signing resources use) or set key_passphrase_wo, for example from an ephemeral secret.", pki.KeyPassphraseEnv))
			return "", diags
		}
		d, _ := keyFileDiag(err, path.Root("key_passphrase_wo"))
		diags.Append(d)
		return "", diags
	}
	return pass, diags
}

// checkNewKeyFile fails the plan of a new file-backed CA that could not be
// created: no passphrase, a missing directory, or an existing file that is
// not a key this CA can adopt. It also removes what a killed run left behind.
func checkNewKeyFile(plan *caModel, wo types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	if plan.KeyStorage.ValueString() != keyStorageFile || !knownString(plan.KeyFile) {
		return diags
	}
	pass, d := creationPassphrase(wo)
	diags.Append(d...)
	p := plan.KeyFile.ValueString()
	if diags.HasError() {
		return diags
	}
	diags.Append(cleanKeyTemps(p)...)
	if _, err := os.Lstat(p); err != nil {
		diags.Append(checkKeyFileTarget(p)...)
		return diags
	}
	var parent *x509.Certificate
	if knownString(plan.Parent) {
		cert, _, err := issuerCertificates(plan.Parent.ValueString())
		if err != nil {
			diags.Append(diagBadParent(err))
			return diags
		}
		parent = cert
	}
	a, d := findAdoptableKey(p, pass, plan, parent, !plan.Parent.IsUnknown())
	if diags.Append(d...); diags.HasError() || a.key == nil {
		return diags
	}
	diags.AddAttributeWarning(path.Root("key_file"), "The existing CA key file will be adopted",
		fmt.Sprintf("%s holds the key of a CA %q (certificate %s) that is not in state — an earlier apply was probably interrupted, the state was lost, or the CA was removed with `state rm`. "+
			"Applying keeps that key and issues this CA a new certificate for it. If the CA that owned it is being destroyed in this same apply, its file goes with it and a new key is made instead.", p, a.record.Subject.String(), pki.FingerprintSHA256(a.record)))
	return diags
}

func checkKeyFileTarget(p string) diag.Diagnostics {
	var diags diag.Diagnostics
	if _, err := os.Lstat(p); err == nil {
		d, _ := keyFileDiag(fmt.Errorf("%w: %s", pki.ErrKeyFileExists, p), path.Root("key_file"))
		diags.Append(d)
		return diags
	}
	dir := filepath.Dir(p)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		diags.AddAttributeError(path.Root("key_file"), "Key file directory does not exist",
			fmt.Sprintf("The directory %s for key_file %q does not exist. Create it (mode 0700 is advisable) before applying.", dir, p))
	}
	return diags
}

// planKeyStorage plans key storage changes of an existing CA and checks the
// key file on every plan. A file that is missing or cannot be decrypted is
// only a warning while the path is unchanged: this CA signs nothing by being
// planned (resources that need its key fail their own plans), and a destroy,
// which plans everything first, must finish. A moved path must hold this CA's
// key. It returns the paths that force replacement.
func planKeyStorage(plan, state *caModel, wo types.String, diags *diag.Diagnostics) []path.Path {
	if plan.KeyStorage.IsUnknown() || plan.KeyFile.IsUnknown() {
		return nil
	}
	oldFile := state.KeyStorage.ValueString() == keyStorageFile
	newFile := plan.KeyStorage.ValueString() == keyStorageFile
	switch {
	case oldFile && !newFile:
		return []path.Path{path.Root("key_storage")}
	case !newFile:
		return nil
	}
	if caReplacing(plan, state) {
		// The new instance is planned separately, with no prior state; the
		// old one keeps its file until it is destroyed.
		return nil
	}
	h, err := pki.DecodeHandle(state.Issuer.ValueString())
	if err != nil {
		diags.Append(diagCorruptCAState(err))
		return nil
	}
	cert, _, err := h.Certificates()
	if err != nil {
		diags.Append(diagCorruptCAState(err))
		return nil
	}
	fp, err := pki.PublicKeyFingerprint(cert.PublicKey)
	if err != nil {
		diags.AddError("Cannot fingerprint the CA key", err.Error())
		return nil
	}
	newPath := plan.KeyFile.ValueString()
	oldPath := state.KeyFile.ValueString()
	switch {
	case !oldFile:
		// Moving the key out of state: the file is created by Update.
		if _, d := creationPassphrase(wo); d.HasError() {
			diags.Append(d...)
			return nil
		}
		diags.Append(checkKeyFileTarget(newPath)...)
	default:
		diags.Append(cleanKeyTemps(newPath)...)
		pass := envPassphrase()
		if knownString(wo) {
			pass = wo.ValueString()
		}
		if _, err := pki.ReadKeyFile(newPath, pass, fp); err != nil {
			switch {
			case newPath != oldPath:
				diags.Append(diagMovedKeyFile(err, oldPath, newPath))
				return nil
			case errors.Is(err, pki.ErrKeyFileWrongKey):
				diags.Append(diagSwappedKeyFile(err, newPath, cert))
				return nil
			case errors.Is(err, pki.ErrKeyFileCorrupt):
				d, _ := keyFileDiag(err, path.Root("key_file"))
				diags.Append(d)
				return nil
			default:
				summary := "CA key file not usable"
				if d, ok := keyFileDiag(err, path.Root("key_file")); ok {
					summary = d.Summary()
				}
				diags.AddAttributeWarning(path.Root("key_file"), summary,
					fmt.Sprintf("%v. Nothing can be signed with this CA until this is fixed: plans of certificates, child CAs and CRLs that need its key fail. Destroying the CA still works and leaves the file in place.", err))
			}
		}
		diags.Append(warnKeyFileMode(newPath)...)
	}
	h.Key, h.KeyFile, h.KeyFingerprint = "", newPath, fp
	handle, err := h.String()
	if err != nil {
		diags.AddError("Could not encode the issuer handle", err.Error())
		return nil
	}
	plan.Issuer = types.StringValue(handle)
	return nil
}

// caReplacing reports whether the plan changes an input that replaces the
// CA (the attributes with RequiresReplace in the schema).
func caReplacing(plan, state *caModel) bool {
	if plan.Parent.IsUnknown() || plan.Validity.IsUnknown() || plan.MaxPathLength.IsUnknown() {
		return true
	}
	return !reflect.DeepEqual(plan.Subject, state.Subject) ||
		!plan.KeyAlgorithm.Equal(state.KeyAlgorithm) ||
		!sameDuration(plan.Validity.ValueString(), state.Validity.ValueString()) ||
		!plan.Parent.Equal(state.Parent) ||
		!plan.MaxPathLength.Equal(state.MaxPathLength) ||
		!reflect.DeepEqual(plan.NameConstraints, state.NameConstraints) ||
		!reflect.DeepEqual(plan.CRLDistributionPoints, state.CRLDistributionPoints) ||
		!reflect.DeepEqual(plan.OCSPServers, state.OCSPServers) ||
		!reflect.DeepEqual(plan.IssuingCertificateURLs, state.IssuingCertificateURLs)
}

// diagMovedKeyFile explains a changed key_file path that does not hold the key.
func diagMovedKeyFile(err error, oldPath, newPath string) diag.Diagnostic {
	detail := fmt.Sprintf("key_file changed from %s to %s, and the new path is not usable: %v. ", oldPath, newPath, err)
	switch {
	case errors.Is(err, pki.ErrKeyFileMissing):
		detail += fmt.Sprintf("Changing key_file only tells crank where the file is now; it does not move it. Move the file first (`mv %s %s`), then apply; or set key_file back to %s.", oldPath, newPath, oldPath)
	case errors.Is(err, pki.ErrKeyFileWrongKey):
		detail += fmt.Sprintf("The file at %s is another CA's key. Move this CA's own key file (now at %s) there, or set key_file back.", newPath, oldPath)
	default:
		if d, ok := keyFileDiag(err, path.Root("key_file")); ok {
			detail = d.Detail()
		}
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("key_file"), "Changed key_file does not hold this CA's key", detail)
}

// diagSwappedKeyFile names the CA whose key the file now holds, from the
// certificate record, instead of blaming the file.
func diagSwappedKeyFile(err error, p string, cert *x509.Certificate) diag.Diagnostic {
	whose := "a CA crank cannot name (the file records no certificate)"
	if recs, rerr := pki.KeyFileCertificates(p); rerr == nil && len(recs) > 0 {
		whose = fmt.Sprintf("the CA %q (certificate %s)", recs[0].Subject.String(), pki.FingerprintSHA256(recs[0]))
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("key_file"), "Key file was swapped for another CA's",
		fmt.Sprintf("%v. The file at %s now holds the key of %s, not of this CA %q. The file itself is intact: it was replaced or the paths of two CAs were exchanged. "+
			"Put this CA's own key file back at %s, or point key_file at where it is now.", err, p, whose, cert.Subject.String(), p))
}

// diagCorruptCAState reports an issuer attribute in state that no longer
// decodes: the configuration cannot fix it, the state can.
func diagCorruptCAState(err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("issuer"), "Corrupted crank_ca state",
		err.Error()+". The issuer attribute in this CA's state was damaged (edited by hand or a broken state file); it is computed, so no configuration change can repair it. "+
			"Restore the state from a backup (terraform.tfstate.backup, or your backend's version history), or remove the CA from state with `terraform state rm <address>` and bring it back with `terraform import` (file-backed) or by re-applying.")
}

// storeCAKey returns the handle of a new CA, writing its key file first when
// the key is kept in a file. An adopted key's file is rewritten in place so
// its record names the new certificate.
func storeCAKey(m *caModel, iss *pki.Issuer, wo types.String, adopted bool) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if m.KeyStorage.ValueString() == keyStoragePKCS11 {
		return tokenHandle(m, iss)
	}
	if m.KeyStorage.ValueString() != keyStorageFile {
		handle, err := pki.EncodeHandle(iss)
		if err != nil {
			diags.AddError("Could not encode the issuer handle", err.Error())
		}
		return handle, diags
	}
	pass, d := creationPassphrase(wo)
	if diags.Append(d...); diags.HasError() {
		return "", diags
	}
	handle, err := pki.EncodeFileHandle(iss, m.KeyFile.ValueString())
	if err != nil {
		diags.AddError("Could not encode the issuer handle", err.Error())
		return "", diags
	}
	write := pki.WriteKeyFileRecord
	if adopted {
		write = pki.RewriteKeyFileRecord
	}
	if err := write(m.KeyFile.ValueString(), iss.Key, pass, iss.Chain()); err != nil {
		if d, ok := keyFileDiag(err, path.Root("key_file")); ok {
			diags.Append(d)
		} else {
			diags.AddAttributeError(path.Root("key_file"), "Could not write the CA key file", err.Error()+". Check that the directory exists and is writable; nothing was written.")
		}
		return "", diags
	}
	noteKeyFileWritten(m.KeyFile.ValueString())
	return handle, diags
}

// moveCAKey carries out what planKeyStorage planned for an existing CA.
func moveCAKey(plan, state *caModel, wo types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	if plan.KeyStorage.ValueString() != keyStorageFile || plan.Issuer.Equal(state.Issuer) {
		return diags
	}
	newHandle, err := pki.DecodeHandle(plan.Issuer.ValueString())
	if err != nil {
		diags.Append(diagBadIssuer(err))
		return diags
	}
	if state.KeyStorage.ValueString() == keyStorageFile {
		pass := envPassphrase()
		if knownString(wo) {
			pass = wo.ValueString()
		}
		if _, err := pki.ReadKeyFile(newHandle.KeyFile, pass, newHandle.KeyFingerprint); err != nil {
			d, _ := keyFileDiag(err, path.Root("key_file"))
			diags.Append(d)
		}
		return diags
	}
	old, err := resolveIssuer(state.Issuer.ValueString())
	if err != nil {
		diags.Append(diagBadIssuer(err))
		return diags
	}
	pass, d := creationPassphrase(wo)
	if diags.Append(d...); diags.HasError() {
		return diags
	}
	if err := pki.WriteKeyFileRecord(newHandle.KeyFile, old.Key, pass, old.Chain()); err != nil {
		if d, ok := keyFileDiag(err, path.Root("key_file")); ok {
			diags.Append(d)
		} else {
			diags.AddAttributeError(path.Root("key_file"), "Could not write the CA key file", err.Error()+". Nothing was written; the key is still in state.")
		}
		return diags
	}
	noteKeyFileWritten(newHandle.KeyFile)
	return diags
}

// removeCAKeyFile deletes the key file of a destroyed CA when it provably
// holds this CA's key and records no other CA. Whatever else is wrong with
// it (gone, wrong passphrase, another CA's) is a warning: a destroy always
// finishes, and a file crank cannot vouch for is left alone.
func removeCAKeyFile(m *caModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if m.KeyStorage.ValueString() != keyStorageFile {
		return diags
	}
	h, err := pki.DecodeHandle(m.Issuer.ValueString())
	if err != nil || !h.FileBacked() {
		return diags
	}
	leave := func(reason string) {
		diags.AddAttributeWarning(path.Root("key_file"), "CA key file left in place",
			fmt.Sprintf("The CA was destroyed but its key file %s was not deleted: %s. Delete it yourself once you are sure it is not needed.", h.KeyFile, reason))
	}
	if _, err := pki.ReadKeyFile(h.KeyFile, envPassphrase(), h.KeyFingerprint); err != nil {
		if errors.Is(err, pki.ErrKeyFileMissing) {
			diags.AddAttributeWarning(path.Root("key_file"), "CA key file already gone",
				fmt.Sprintf("The CA was destroyed; its key file %s did not exist any more, so there was nothing to delete.", h.KeyFile))
			return diags
		}
		leave(err.Error())
		return diags
	}
	if cert, _, err := h.Certificates(); err == nil {
		if recs, err := pki.KeyFileCertificates(h.KeyFile); err == nil && len(recs) > 0 && !recs[0].Equal(cert) {
			leave(fmt.Sprintf("it now records the CA %q (certificate %s), which adopted this key", recs[0].Subject.String(), pki.FingerprintSHA256(recs[0])))
			return diags
		}
	}
	if err := os.Remove(h.KeyFile); err != nil {
		leave(err.Error())
	}
	return diags
}
