//go:build tools

// Package tools pins the build-time tools of this repository: the OpenTofu
// CLI that acceptance tests run against, and tfplugindocs for docs/.
package tools

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
	_ "github.com/opentofu/opentofu/cmd/tofu"
)
