// Package cap is Crank's capability access policy: the model, plan-time
// analysis, the versioned bundle format, the evaluator, and the run-time
// pieces a service needs (mTLS worker certificates, HTTP middleware, gRPC
// interceptors, bundle hot reload, decision logging).
//
// The provider and services share this package so that the answer shown in
// a plan (cap_decide, inline policy tests) and the answer a running service
// gives can never differ. It holds no Terraform framework types.
//
// Typical provider use:
//
//	policy, diags := cap.AssemblePolicy(spec, service, rules)
//	diags = append(diags, cap.Analyze(policy, cap.Environment{KnownServices: names, IssuerTrustDomain: td})...)
//	bundleJSON, digest, err := cap.Marshal(policy)
//
// and for cap_decide:
//
//	bundle, err := cap.Load(bundleJSON)
//	evaluator, err := cap.Compile(bundle)
//	decision := evaluator.Decide(callerSPIFFEID, capability)
//
// Typical service use: LoadWorkerTLS, LoadPolicyKeys and LoadBundleFile
// (signed bundles only), NewHTTPServer (timeouts, HTTP/2 and connection
// limits), HTTPMiddleware or UnaryServerInterceptor/StreamServerInterceptor
// with a NewDecisionLog, and Watch on both files; optionally an
// InFlightLimiter (WithInFlightLimit) and Prometheus metrics (NewMetrics,
// WithMetrics). Services behind Envoy or nginx use the crank-cap decision
// server instead (package capd, docs/proxies.md). See README.md for
// semantics, the bundle formats and key rotation.
package cap
