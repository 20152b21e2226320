// Package trivy is the only place crank-gate touches Trivy. Its Go API is
// not a stable library surface (its maintainers say so), so every call sits
// behind this adapter and everything else speaks gate/scanners/vuln.
//
// Trivy imports encoding/json/v2, which Go 1.26 only has with
// GOEXPERIMENT=jsonv2. The code is therefore guarded by the
// goexperiment.jsonv2 build tag (set automatically by that experiment, no
// custom tag needed): without it this package is empty, so "go build ./..."
// and the provider keep working with a plain toolchain, and the CLI falls
// back to "built without vulnerability scanning".
package trivy
