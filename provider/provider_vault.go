package provider

import (
	"os"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer/vault"
)

// Vault credentials live where the certificate is applied, never in a
// handle: the provider's vault block (which takes ephemeral values, so a
// token from an ephemeral variable or resource is in neither plan nor
// state), else the environment. An issuer handle only says which method.

type providerVaultModel struct {
	Token           types.String `tfsdk:"token"`
	AppRoleRoleID   types.String `tfsdk:"approle_role_id"`
	AppRoleSecretID types.String `tfsdk:"approle_secret_id"`
}

func providerVaultAttribute() schema.Attribute {
	secret := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: desc}
	}
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "Credentials for `crank_vault_issuer` and the certificates issued through it. They are used when plans and applies talk to Vault and are never written to an issuer handle or to state. " +
			"Provider configuration accepts ephemeral values (Terraform/OpenTofu >= 1.10): take them from an `ephemeral = true` variable or an ephemeral resource so they are not in a saved plan either. " +
			"Each one unset falls back to its environment variable.",
		Attributes: map[string]schema.Attribute{
			"token":             secret("Vault token for `auth_method = \"token\"`. Defaults to `" + vault.TokenEnv + "`."),
			"approle_role_id":   secret("AppRole role ID for `auth_method = \"approle\"`. Defaults to `" + vault.RoleIDEnv + "`."),
			"approle_secret_id": secret("AppRole secret ID for `auth_method = \"approle\"`. Defaults to `" + vault.SecretIDEnv + "`."),
		},
	}
}

// backendSecrets holds the configured credentials by the environment
// variable they stand in for. A provider process serves one provider
// configuration, so one set per process is what Configure last saw.
var backendSecrets sync.Map

func configureVault(m *providerVaultModel) {
	for name, v := range map[string]types.String{vault.TokenEnv: m.tokenOrNull(), vault.RoleIDEnv: m.roleIDOrNull(), vault.SecretIDEnv: m.secretIDOrNull()} {
		if knownString(v) {
			backendSecrets.Store(name, v.ValueString())
		} else {
			backendSecrets.Delete(name)
		}
	}
}

func (m *providerVaultModel) tokenOrNull() types.String {
	if m == nil {
		return types.StringNull()
	}
	return m.Token
}

func (m *providerVaultModel) roleIDOrNull() types.String {
	if m == nil {
		return types.StringNull()
	}
	return m.AppRoleRoleID
}

func (m *providerVaultModel) secretIDOrNull() types.String {
	if m == nil {
		return types.StringNull()
	}
	return m.AppRoleSecretID
}

// backendEnv is the lookup for secrets that never go into a handle: the
// provider's configuration first, then the environment.
func backendEnv(name string) string {
	if v, ok := backendSecrets.Load(name); ok {
		return v.(string)
	}
	return os.Getenv(name)
}
