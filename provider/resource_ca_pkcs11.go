package provider

import (
	"crypto"
	"errors"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer/pkcs11"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// keyStoragePKCS11 keeps the CA key on a PKCS#11 token (an HSM): made there
// or found there by label, it never leaves it, and the token signs.
const keyStoragePKCS11 = "pkcs11"

type pkcs11Model struct {
	Module     types.String `tfsdk:"module"`
	TokenLabel types.String `tfsdk:"token_label"`
	KeyLabel   types.String `tfsdk:"key_label"`
}

func (m *pkcs11Model) token() pkcs11.Token {
	return pkcs11.Token{Module: m.Module.ValueString(), TokenLabel: m.TokenLabel.ValueString(), KeyLabel: m.KeyLabel.ValueString()}
}

func caPKCS11Attributes() map[string]schema.Attribute {
	req := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Required: true, MarkdownDescription: desc, Validators: []validator.String{stringvalidator.LengthAtLeast(1)}}
	}
	return map[string]schema.Attribute{
		"pkcs11": schema.SingleNestedAttribute{
			Optional: true,
			MarkdownDescription: "Where the CA key is with `key_storage = \"pkcs11\"`. A key pair labelled `key_label` on the token is used if there is one (its type must match `key_algorithm`); otherwise one is generated there as sensitive and non-extractable. " +
				"State holds only these three values and the public key fingerprint. Destroying the CA leaves the key on the token. " + pkcs11BuildNote,
			PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplace()},
			Attributes: map[string]schema.Attribute{
				"module":      req("Path of the token's PKCS#11 library, for example `/usr/lib/softhsm/libsofthsm2.so`."),
				"token_label": req("Label of the token (as `pkcs11-tool --list-slots` shows it)."),
				"key_label":   req("Label (CKA_LABEL) of the CA key pair on the token."),
			},
		},
		"pkcs11_pin_wo": schema.StringAttribute{
			Optional: true, Sensitive: true, WriteOnly: true,
			MarkdownDescription: fmt.Sprintf("Write-only user PIN of the token, used while this CA is planned and created; never stored. Defaults to `%s`. "+
				"Resources that sign with this CA (certificates, child CAs, CRLs) and later runs read the PIN from `%s`, so set it wherever plan and apply run. Setting both to different values is an error.", pkcs11.PINEnv, pkcs11.PINEnv),
		},
	}
}

const pkcs11BuildNote = "PKCS#11 needs a provider built with cgo (`CGO_ENABLED=1`); a build without it says so on first use."

func validatePKCS11Config(cfg *caModel, diags *diag.Diagnostics) {
	if cfg.KeyStorage.IsUnknown() {
		return
	}
	hsm := cfg.KeyStorage.ValueString() == keyStoragePKCS11
	switch {
	case hsm && cfg.PKCS11 == nil:
		diags.AddAttributeError(path.Root("pkcs11"), "pkcs11 is required",
			`key_storage = "pkcs11" keeps the CA key on a token, so pkcs11 must say where: pkcs11 = { module = "/usr/lib/softhsm/libsofthsm2.so", token_label = "ca", key_label = "services-ca" }.`)
	case !hsm && cfg.PKCS11 != nil:
		diags.AddAttributeError(path.Root("pkcs11"), `pkcs11 needs key_storage = "pkcs11"`, `pkcs11 is set but the key would be kept elsewhere. Add key_storage = "pkcs11", or remove pkcs11.`)
	case !hsm && !cfg.PKCS11PinWO.IsNull():
		diags.AddAttributeError(path.Root("pkcs11_pin_wo"), `pkcs11_pin_wo needs key_storage = "pkcs11"`, "A PIN only opens a token. Remove pkcs11_pin_wo.")
	case hsm && cfg.KeyAlgorithm.ValueString() == string(pki.ED25519):
		diags.AddAttributeError(path.Root("key_algorithm"), "ED25519 is not supported on PKCS#11 tokens",
			"This provider generates and uses ECDSA and RSA keys on tokens. Use ECDSA_P256, ECDSA_P384, RSA_2048, RSA_3072 or RSA_4096.")
	}
}

// tokenPIN picks the PIN: the write-only attribute while the CA itself is
// planned or created, the environment otherwise.
func tokenPIN(wo types.String) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	env := os.Getenv(pkcs11.PINEnv)
	if !knownString(wo) {
		return env, diags
	}
	if env != "" && env != wo.ValueString() {
		diags.AddAttributeError(path.Root("pkcs11_pin_wo"), "Two different token PINs",
			fmt.Sprintf("pkcs11_pin_wo and %s are both set but differ. Certificates, child CAs and CRLs open the token with %s, so they could not use this CA. Make them equal, or unset one.", pkcs11.PINEnv, pkcs11.PINEnv))
		return "", diags
	}
	return wo.ValueString(), diags
}

// pkcs11Diag says what is wrong with the token and how to fix it.
func pkcs11Diag(err error, attr path.Path) diag.Diagnostic {
	summary := "CA key token unusable"
	switch {
	case errors.Is(err, pkcs11.ErrNotBuilt):
		summary = "Provider built without PKCS#11 support"
	case errors.Is(err, pkcs11.ErrModuleMissing), errors.Is(err, pkcs11.ErrModule):
		summary = "PKCS#11 module missing or unusable"
	case errors.Is(err, pkcs11.ErrNoToken):
		summary = "PKCS#11 token not found"
	case errors.Is(err, pkcs11.ErrNoPIN):
		summary = "No PIN for the PKCS#11 token"
	case errors.Is(err, pkcs11.ErrWrongPIN):
		summary = "Wrong PIN for the PKCS#11 token"
	case errors.Is(err, pkcs11.ErrNoKey):
		summary = "CA key not found on the PKCS#11 token"
	case errors.Is(err, pkcs11.ErrWrongKey), errors.Is(err, pkcs11.ErrAmbiguous):
		summary = "Wrong CA key on the PKCS#11 token"
	}
	return diag.NewAttributeErrorDiagnostic(attr, summary, err.Error())
}

// planNewTokenKey fails the plan of a new token-held CA whose token cannot
// be used: missing module, unknown token, wrong PIN, or a key under the
// label that does not fit.
func planNewTokenKey(plan *caModel, wo types.String, diags *diag.Diagnostics) {
	if plan.KeyStorage.ValueString() != keyStoragePKCS11 || plan.PKCS11 == nil || plan.PKCS11.Module.IsUnknown() || plan.PKCS11.TokenLabel.IsUnknown() || plan.PKCS11.KeyLabel.IsUnknown() {
		return
	}
	pin, d := tokenPIN(wo)
	if diags.Append(d...); diags.HasError() {
		return
	}
	s, err := pkcs11.Find(plan.PKCS11.token(), pin, "")
	switch {
	case errors.Is(err, pkcs11.ErrNoKey):
		// Generated at apply.
	case err != nil:
		diags.Append(pkcs11Diag(err, path.Root("pkcs11")))
	default:
		if got, err := pki.AlgorithmOf(s.Public()); err != nil || string(got) != plan.KeyAlgorithm.ValueString() {
			diags.AddAttributeError(path.Root("key_algorithm"), "Existing token key has another type",
				fmt.Sprintf("The token already holds a key labelled %q of type %s, and this CA would use it, but key_algorithm is %s. Set key_algorithm = %q, or choose another key_label.", plan.PKCS11.KeyLabel.ValueString(), got, plan.KeyAlgorithm.ValueString(), got))
		}
	}
}

// planTokenKeyStorage checks an existing token-held CA on every plan, as a
// key file is checked, and replaces the CA when the key moves onto or off a
// token (a token key cannot be exported, a file key should not be imported).
func planTokenKeyStorage(plan, state *caModel, wo types.String, diags *diag.Diagnostics) (bool, []path.Path) {
	was, is := state.KeyStorage.ValueString() == keyStoragePKCS11, plan.KeyStorage.ValueString() == keyStoragePKCS11
	if was != is && !plan.KeyStorage.IsUnknown() {
		return true, []path.Path{path.Root("key_storage")}
	}
	if !is || !knownString(state.Issuer) {
		return is, nil
	}
	pin, d := tokenPIN(wo)
	if diags.Append(d...); diags.HasError() {
		return true, nil
	}
	if pin == "" {
		diags.AddAttributeWarning(path.Root("pkcs11"), "CA key on the token not checked",
			fmt.Sprintf("%s is not set, so the CA key on the token was not checked. Signing with this CA needs it.", pkcs11.PINEnv))
		return true, nil
	}
	if _, err := resolveIssuer(state.Issuer.ValueString()); err != nil {
		diags.Append(pkcs11Diag(err, path.Root("pkcs11")))
	}
	return true, nil
}

// tokenKey returns the key of an existing CA from the token, checked
// against the fingerprint want.
func tokenKey(m *caModel, wo types.String, want string) (crypto.Signer, diag.Diagnostics) {
	pin, diags := tokenPIN(wo)
	if diags.HasError() {
		return nil, diags
	}
	s, err := pkcs11.Find(m.PKCS11.token(), pin, want)
	if err != nil {
		diags.Append(pkcs11Diag(err, path.Root("pkcs11")))
	}
	return s, diags
}

// tokenHandle is the handle of a CA whose key is on the token.
func tokenHandle(m *caModel, iss *pki.Issuer) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	h, err := pkcs11.Encode(iss, m.PKCS11.token())
	if err != nil {
		diags.AddError("Could not encode the issuer handle", err.Error())
	}
	return h, diags
}

// newCAKey makes the key of a new CA where key_storage says. discard
// removes a key it generated on a token, for when the create fails later.
func newCAKey(m *caModel, cfg caModel) (key crypto.Signer, discard func(), diags diag.Diagnostics) {
	discard = func() {}
	if m.KeyStorage.ValueString() == keyStoragePKCS11 {
		pin, d := tokenPIN(cfg.PKCS11PinWO)
		if diags.Append(d...); diags.HasError() {
			return nil, discard, diags
		}
		s, created, err := pkcs11.FindOrGenerate(m.PKCS11.token(), pin, pki.KeyAlgorithm(m.KeyAlgorithm.ValueString()))
		if err != nil {
			diags.Append(pkcs11Diag(err, path.Root("pkcs11")))
			return nil, discard, diags
		}
		if created {
			discard = func() { _ = pkcs11.Discard(s) }
		}
		return s, discard, diags
	}
	key, err := pki.GenerateKey(pki.KeyAlgorithm(m.KeyAlgorithm.ValueString()))
	if err != nil {
		diags.AddAttributeError(path.Root("key_algorithm"), "Key generation failed", err.Error())
	}
	return key, discard, diags
}
