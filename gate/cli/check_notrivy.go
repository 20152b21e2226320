//go:build !goexperiment.jsonv2

package cli

import "github.com/crank-platform/terraform-provider-crank/gate/check"

// vulnOpener is nil in builds without GOEXPERIMENT=jsonv2: Trivy cannot
// compile there, and check reports that clearly when a policy lists images.
func vulnOpener(Env) check.VulnOpener { return nil }
