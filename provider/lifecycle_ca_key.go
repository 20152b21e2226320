package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

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
		"The file must not exist when the CA is created (crank never overwrites a key); its directory must. Changing the path after moving the file updates the CA in place after checking the file holds this CA's key. " +
		"On destroy the file is deleted only if `" + pki.KeyPassphraseEnv + "` decrypts it and it holds this CA's key; otherwise it is left in place with a warning."
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
// created: no passphrase, an existing file, or a missing directory.
func checkNewKeyFile(plan *caModel, wo types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	if plan.KeyStorage.ValueString() != keyStorageFile || !knownString(plan.KeyFile) {
		return diags
	}
	_, d := creationPassphrase(wo)
	diags.Append(d...)
	diags.Append(checkKeyFileTarget(plan.KeyFile.ValueString())...)
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
// key file on every plan, so a missing, damaged or foreign file fails the
// plan and not a later apply. It returns the paths that force replacement.
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
	h, err := pki.DecodeHandle(state.Issuer.ValueString())
	if err != nil {
		diags.Append(diagBadIssuer(err))
		return nil
	}
	cert, _, err := h.Certificates()
	if err != nil {
		diags.Append(diagBadIssuer(err))
		return nil
	}
	fp, err := pki.PublicKeyFingerprint(cert.PublicKey)
	if err != nil {
		diags.AddError("Cannot fingerprint the CA key", err.Error())
		return nil
	}
	newPath := plan.KeyFile.ValueString()
	switch {
	case !oldFile:
		// Moving the key out of state: the file is created by Update.
		if _, d := creationPassphrase(wo); d.HasError() {
			diags.Append(d...)
			return nil
		}
		diags.Append(checkKeyFileTarget(newPath)...)
	default:
		pass := envPassphrase()
		if knownString(wo) {
			pass = wo.ValueString()
		}
		if _, err := pki.ReadKeyFile(newPath, pass, fp); err != nil {
			if errors.Is(err, pki.ErrNoPassphrase) && newPath == state.KeyFile.ValueString() {
				diags.AddAttributeWarning(path.Root("key_file"), "CA key file not checked",
					fmt.Sprintf("%s is not set, so the key file %s was only checked for its format. Signing with this CA needs it.", pki.KeyPassphraseEnv, newPath))
			} else {
				d, _ := keyFileDiag(err, path.Root("key_file"))
				diags.Append(d)
				return nil
			}
		}
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

// storeCAKey returns the handle of a new CA, writing its key file first when
// the key is kept in a file.
func storeCAKey(m *caModel, iss *pki.Issuer, wo types.String) (string, diag.Diagnostics) {
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
	if err := pki.WriteKeyFile(m.KeyFile.ValueString(), iss.Key, pass); err != nil {
		if d, ok := keyFileDiag(err, path.Root("key_file")); ok {
			diags.Append(d)
		} else {
			diags.AddAttributeError(path.Root("key_file"), "Could not write the CA key file", err.Error()+". Check that the directory exists and is writable; nothing was written.")
		}
		return "", diags
	}
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
	if err := pki.WriteKeyFile(newHandle.KeyFile, old.Key, pass); err != nil {
		if d, ok := keyFileDiag(err, path.Root("key_file")); ok {
			diags.Append(d)
		} else {
			diags.AddAttributeError(path.Root("key_file"), "Could not write the CA key file", err.Error()+". Nothing was written; the key is still in state.")
		}
	}
	return diags
}

func removeCAKeyFile(m *caModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if m.KeyStorage.ValueString() != keyStorageFile {
		return diags
	}
	h, err := pki.DecodeHandle(m.Issuer.ValueString())
	if err != nil || !h.FileBacked() {
		return diags
	}
	if _, err := pki.ReadKeyFile(h.KeyFile, envPassphrase(), h.KeyFingerprint); err != nil {
		if !errors.Is(err, pki.ErrKeyFileMissing) {
			diags.AddAttributeWarning(path.Root("key_file"), "CA key file left in place",
				fmt.Sprintf("The CA was destroyed but its key file %s was not deleted: %v. Delete it yourself once you are sure it is not needed.", h.KeyFile, err))
		}
		return diags
	}
	if err := os.Remove(h.KeyFile); err != nil {
		diags.AddAttributeWarning(path.Root("key_file"), "CA key file left in place", fmt.Sprintf("Deleting %s failed: %v. Delete it yourself.", h.KeyFile, err))
	}
	return diags
}
