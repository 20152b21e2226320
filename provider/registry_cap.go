package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// The Capability Access Policy family: crank_capability, crank_cap_rule,
// crank_cap_policy, the crank_cap_decision data source and cap_decide.

func capResources() []func() resource.Resource {
	return []func() resource.Resource{
		NewCapabilityResource,
		NewCapRuleResource,
		NewCapPolicyResource,
	}
}

func capDataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewCapDecisionDataSource,
	}
}

func capFunctions() []func() function.Function {
	return []func() function.Function{
		NewCapDecideFunction,
	}
}
