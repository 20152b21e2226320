package provider

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/cap"
)

// capPolicySigning is what signing a bundle adds to the state.
type capPolicySigning struct {
	signedBundle, keyID, publicKeyPEM string
}

// signCapBundle signs canonical bundle bytes with the Ed25519 key in
// keyFile. Ed25519 is deterministic, so the same policy and key give the
// same signed bundle at plan and at apply, and an unchanged policy plans
// no change.
func signCapBundle(keyFile string, canonical []byte) (capPolicySigning, diag.Diagnostics) {
	var diags diag.Diagnostics
	info, err := os.Stat(keyFile)
	if err != nil {
		diags.Append(diagSigningKeyUnreadable(keyFile, err))
		return capPolicySigning{}, diags
	}
	if info.Mode().Perm()&0o077 != 0 {
		diags.Append(diagSigningKeyReadableByOthers(keyFile, info.Mode().Perm()))
	}
	data, err := os.ReadFile(keyFile)
	if err != nil {
		diags.Append(diagSigningKeyUnreadable(keyFile, err))
		return capPolicySigning{}, diags
	}
	key, err := cap.ParsePolicySigningKey(data)
	if err != nil {
		diags.Append(diagSigningKeyInvalid(keyFile, err))
		return capPolicySigning{}, diags
	}
	signed, err := cap.SignBundle(canonical, key)
	if err != nil {
		diags.AddError("Could not sign the capability bundle", err.Error())
		return capPolicySigning{}, diags
	}
	public, _ := key.Public().(ed25519.PublicKey)
	der, err := x509.MarshalPKIXPublicKey(public)
	if err != nil {
		diags.AddError("Could not encode the policy public key", err.Error())
		return capPolicySigning{}, diags
	}
	return capPolicySigning{
		signedBundle: string(signed),
		keyID:        cap.PolicyKeyID(public),
		publicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
	}, diags
}

// setSigning fills the signed outputs: unknown while the key file path
// is, null when there is no key file.
func (m *capPolicyModel) setSigning(s *capPolicySigning, unknown bool) {
	switch {
	case unknown:
		m.SignedBundleJSON, m.SigningKeyID, m.SigningPublicKey = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	case s == nil:
		m.SignedBundleJSON, m.SigningKeyID, m.SigningPublicKey = types.StringNull(), types.StringNull(), types.StringNull()
	default:
		m.SignedBundleJSON, m.SigningKeyID, m.SigningPublicKey = types.StringValue(s.signedBundle), types.StringValue(s.keyID), types.StringValue(s.publicKeyPEM)
	}
}

const signingKeyHowTo = "Create one with `openssl genpkey -algorithm ed25519 -out policy-signing.pem && chmod 600 policy-signing.pem`."

func diagSigningKeyUnreadable(keyFile string, err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("signing_key_file"), "Policy signing key not readable",
		fmt.Sprintf("cannot read the policy signing key %s: %s. Services refuse unsigned bundles, so the bundle cannot be signed without it. Restore the file, or point signing_key_file at the key; %s", keyFile, err, signingKeyHowTo))
}

func diagSigningKeyInvalid(keyFile string, err error) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("signing_key_file"), "Invalid policy signing key",
		fmt.Sprintf("%s: %s. %s", keyFile, err, signingKeyHowTo))
}

func diagSigningKeyReadableByOthers(keyFile string, perm os.FileMode) diag.Diagnostic {
	return diag.NewAttributeWarningDiagnostic(path.Root("signing_key_file"), "Policy signing key readable by others",
		fmt.Sprintf("%s has mode %04o: anyone who can read it can sign bundles every service enforces. Run chmod 600 %s.", keyFile, perm, keyFile))
}
