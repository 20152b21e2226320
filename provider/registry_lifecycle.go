package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// The key and CA lifecycle family: ephemeral private keys, trust bundles for
// CA rotation, CRLs and PKCS#12.

func lifecycleResources() []func() resource.Resource {
	return []func() resource.Resource{
		NewCRLResource,
	}
}

func lifecycleDataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewTrustBundleDataSource,
	}
}

func lifecycleEphemeralResources() []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewPrivateKeyEphemeralResource,
	}
}

func lifecycleFunctions() []func() function.Function {
	return []func() function.Function{
		NewPKCS12EncodeFunction,
	}
}
