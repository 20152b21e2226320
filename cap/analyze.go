package cap

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Severity of a Diagnostic.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Diagnostic codes. Errors make a policy unusable; warnings point at rules
// that do not do what their author probably meant.
const (
	CodeInvalidValue        = "invalid_value"
	CodeUnknownService      = "unknown_service"
	CodeUnknownCapability   = "unknown_capability"
	CodeInvalidSPIFFEID     = "invalid_spiffe_id"
	CodeTrustDomainMismatch = "trust_domain_mismatch"
	CodeUnresolvedRuleID    = "unresolved_rule_id"
	CodeRateLimitOnDeny     = "rate_limit_on_deny"
	CodeDuplicateID         = "duplicate_id"
	CodeConflictingRoutes   = "conflicting_routes"

	CodeShadowedAllow         = "shadowed_allow"
	CodeRedundantAllow        = "redundant_allow"
	CodePartialOverlap        = "partial_overlap"
	CodeBroadGrant            = "broad_grant"
	CodeUnreachableCapability = "unreachable_capability"
	CodeDefaultAllow          = "default_allow"
)

// Diagnostic is one finding of Analyze. Path names the offending attribute
// in bundle terms, e.g. `rules["gw-read"].callers[0].spiffe_id`; RuleIDs
// lists every rule involved so a provider can point at their resources.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	RuleIDs  []string `json:"rule_ids,omitempty"`
	Path     string   `json:"path,omitempty"`
}

func (d Diagnostic) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s]", d.Severity, d.Code)
	if d.Path != "" {
		fmt.Fprintf(&b, " at %s", d.Path)
	}
	fmt.Fprintf(&b, ": %s", d.Message)
	return b.String()
}

// Diagnostics is a list of findings.
type Diagnostics []Diagnostic

// HasError reports whether any diagnostic is an error.
func (ds Diagnostics) HasError() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == SeverityError })
}

// Errors returns the error diagnostics only.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == SeverityError {
			out = append(out, d)
		}
	}
	return out
}

// Err returns nil when there is no error diagnostic, else an error listing them.
func (ds Diagnostics) Err() error {
	errs := ds.Errors()
	if len(errs) == 0 {
		return nil
	}
	return &PolicyError{Diagnostics: errs}
}

// PolicyError is returned by Load, Marshal and Compile for invalid policies.
type PolicyError struct{ Diagnostics Diagnostics }

func (e *PolicyError) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.String()
	}
	return "invalid capability policy: " + strings.Join(lines, "; ")
}

// Environment is what the provider knows beyond the policy itself. Zero
// fields disable the matching checks, which is what a service loading a
// bundle wants.
type Environment struct {
	// KnownServices are the service names that exist; nil skips the check.
	KnownServices []string
	// IssuerTrustDomain is the trust domain of the CA issuing the
	// destination's certificates; empty skips the check.
	IssuerTrustDomain string
}

// Analyze checks a policy and returns every error and warning, sorted by
// path then code so plans show them in a stable order.
func Analyze(policy Policy, env Environment) Diagnostics {
	p := policy.Normalized()
	a := analysis{policy: p, env: env, capabilityNames: map[string]bool{}}
	a.checkPolicy()
	a.checkCapabilities()
	resolved := a.checkRules()
	a.checkInteractions(resolved)
	slices.SortStableFunc(a.diags, func(x, y Diagnostic) int {
		if c := strings.Compare(x.Path, y.Path); c != 0 {
			return c
		}
		return strings.Compare(x.Code, y.Code)
	})
	return a.diags
}

type analysis struct {
	policy          Policy
	env             Environment
	diags           Diagnostics
	capabilityNames map[string]bool
}

func (a *analysis) add(severity Severity, code, path, message string, ruleIDs ...string) {
	a.diags = append(a.diags, Diagnostic{Severity: severity, Code: code, Path: path, Message: message, RuleIDs: ruleIDs})
}

func (a *analysis) checkPolicy() {
	p := a.policy
	if err := ValidateServiceName(p.Service); err != nil {
		a.add(SeverityError, CodeInvalidValue, "service", err.Error())
	} else if a.env.KnownServices != nil && !slices.Contains(a.env.KnownServices, p.Service) {
		a.add(SeverityError, CodeUnknownService, "service",
			fmt.Sprintf("destination service %q is not a known service; known services: %s", p.Service, strings.Join(a.env.KnownServices, ", ")))
	}
	if err := ValidateTrustDomain(p.TrustDomain); err != nil {
		a.add(SeverityError, CodeInvalidValue, "trust_domain", err.Error())
	} else if a.env.IssuerTrustDomain != "" && a.env.IssuerTrustDomain != p.TrustDomain {
		a.add(SeverityError, CodeTrustDomainMismatch, "trust_domain",
			fmt.Sprintf("policy trust domain %q differs from the issuing CA's trust domain %q; callers would never present matching IDs — use %q", p.TrustDomain, a.env.IssuerTrustDomain, a.env.IssuerTrustDomain))
	}
	switch p.DefaultAction {
	case ActionDeny:
	case ActionAllow:
		a.add(SeverityWarning, CodeDefaultAllow, "default_action",
			"default_action is allow: every caller not named by a deny rule may use every capability; prefer deny with explicit allow rules")
	default:
		a.add(SeverityError, CodeInvalidValue, "default_action",
			fmt.Sprintf("default_action %q is not one of %s", p.DefaultAction, strings.Join(Actions(), ", ")))
	}
	if !slices.Contains(Enforcements(), string(p.Enforcement)) {
		a.add(SeverityError, CodeInvalidValue, "enforcement",
			fmt.Sprintf("enforcement %q is not one of %s", p.Enforcement, strings.Join(Enforcements(), ", ")))
	}
}

var httpMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace,
}

func (a *analysis) checkCapabilities() {
	routes := http.NewServeMux()
	routeOwners := map[string]string{} // pattern -> capability, to name the other side of a conflict
	grpcMethods := map[string]string{}
	for _, c := range a.policy.Capabilities {
		path := fmt.Sprintf("capabilities[%q]", c.Name)
		switch {
		case c.Name == "":
			a.add(SeverityError, CodeInvalidValue, path+".name", "capability name is empty; name the operation, e.g. \"invoice.read\"")
			continue
		case c.Name == AllCapabilities:
			a.add(SeverityError, CodeInvalidValue, path+".name", "\"*\" is reserved for rules that mean every capability; pick another name")
			continue
		case a.capabilityNames[c.Name]:
			a.add(SeverityError, CodeDuplicateID, path+".name", fmt.Sprintf("capability %q is declared twice for service %q", c.Name, a.policy.Service))
			continue
		}
		a.capabilityNames[c.Name] = true
		if (c.HTTPMethod == "") != (c.HTTPPath == "") {
			a.add(SeverityError, CodeInvalidValue, path, "set both http_method and http_path, or neither")
		} else if c.HTTPPath != "" {
			if problem := httpRouteProblem(c.HTTPMethod, c.HTTPPath); problem != "" {
				a.add(SeverityError, CodeInvalidValue, path+".http_path", problem)
			} else if problem := registerRoute(routes, c.HTTPMethod, c.HTTPPath); problem != "" {
				other := "another capability"
				for pattern, owner := range routeOwners {
					if strings.Contains(problem, `"`+pattern+`"`) {
						other = fmt.Sprintf("capability %q", owner)
					}
				}
				// ServeMux's message starts with source locations that mean
				// nothing to a policy author; its last line says why.
				if i := strings.LastIndex(problem, "\n"); i >= 0 {
					problem = strings.TrimSpace(problem[i+1:])
				}
				a.add(SeverityError, CodeConflictingRoutes, path+".http_path",
					fmt.Sprintf("route %s %s conflicts with the route of %s: %s; give each capability a distinct method and path", c.HTTPMethod, c.HTTPPath, other, problem))
			} else {
				routeOwners[c.HTTPMethod+" "+c.HTTPPath] = c.Name
			}
		}
		if c.GRPCMethod != "" {
			if problem := grpcMethodProblem(c.GRPCMethod); problem != "" {
				a.add(SeverityError, CodeInvalidValue, path+".grpc_method", problem)
			} else if other, dup := grpcMethods[c.GRPCMethod]; dup {
				a.add(SeverityError, CodeConflictingRoutes, path+".grpc_method",
					fmt.Sprintf("gRPC method %s is already mapped to capability %q", c.GRPCMethod, other))
			} else {
				grpcMethods[c.GRPCMethod] = c.Name
			}
		}
	}
}

func httpRouteProblem(method, path string) string {
	if !slices.Contains(httpMethods, method) {
		return fmt.Sprintf("http_method %q is not an uppercase HTTP method such as GET or POST", method)
	}
	if !strings.HasPrefix(path, "/") {
		return fmt.Sprintf("http_path %q must start with '/', e.g. \"/v1/invoices/{id}\"", path)
	}
	if strings.ContainsAny(path, " \t?#") {
		return fmt.Sprintf("http_path %q must be a path template only: no spaces, query or fragment", path)
	}
	return ""
}

// registerRoute uses ServeMux itself as the judge of template syntax and
// conflicts, so analysis and the run-time router cannot disagree.
func registerRoute(mux *http.ServeMux, method, path string) (problem string) {
	defer func() {
		if r := recover(); r != nil {
			problem = fmt.Sprint(r)
		}
	}()
	mux.Handle(method+" "+path, http.NotFoundHandler())
	return ""
}

func grpcMethodProblem(method string) string {
	service, name, ok := strings.Cut(strings.TrimPrefix(method, "/"), "/")
	if !strings.HasPrefix(method, "/") || !ok || service == "" || name == "" || strings.Contains(name, "/") {
		return fmt.Sprintf("grpc_method %q must be a full method name \"/package.Service/Method\"", method)
	}
	return ""
}

// resolvedRule is a rule whose callers and capabilities are valid, with
// "*" expanded to the policy's capabilities.
type resolvedRule struct {
	rule         Rule
	matchers     []matcher
	capabilities []string
}

func (a *analysis) checkRules() []resolvedRule {
	var resolved []resolvedRule
	seen := map[string]bool{}
	for _, rule := range a.policy.Rules {
		path := fmt.Sprintf("rules[%q]", rule.ID)
		valid := true
		switch {
		case rule.ID == "":
			a.add(SeverityError, CodeInvalidValue, path+".id", "rule ID is empty; give every rule a stable ID")
			valid = false
		case seen[rule.ID]:
			a.diags = append(a.diags, diagDuplicateRuleID(rule.ID, path+".id"))
			continue
		}
		seen[rule.ID] = true
		if rule.Action != ActionAllow && rule.Action != ActionDeny {
			a.add(SeverityError, CodeInvalidValue, path+".action", fmt.Sprintf("action %q is not one of %s", rule.Action, strings.Join(Actions(), ", ")), rule.ID)
			valid = false
		}
		if rule.Mode != ModeEnforce && rule.Mode != ModeDryRun {
			a.add(SeverityError, CodeInvalidValue, path+".mode", fmt.Sprintf("mode %q is not one of %s", rule.Mode, strings.Join(Modes(), ", ")), rule.ID)
			valid = false
		}
		if rule.RateLimit != nil {
			if rule.Action == ActionDeny {
				a.add(SeverityError, CodeRateLimitOnDeny, path+".rate_limit",
					"a deny rule cannot carry a rate limit: denied callers get no requests at all; move the limit to the allow rule", rule.ID)
				valid = false
			} else if !(rule.RateLimit.RPS > 0) || rule.RateLimit.Burst < 1 {
				a.add(SeverityError, CodeInvalidValue, path+".rate_limit",
					fmt.Sprintf("rate limit needs rps > 0 and burst >= 1, got rps=%v burst=%d", rule.RateLimit.RPS, rule.RateLimit.Burst), rule.ID)
				valid = false
			}
		}
		matchers, ok := a.checkCallers(rule, path)
		valid = valid && ok
		capabilities, ok := a.checkRuleCapabilities(rule, path)
		valid = valid && ok
		if rule.Action == ActionAllow {
			a.warnBroadGrant(rule, path)
		}
		if valid {
			resolved = append(resolved, resolvedRule{rule: rule, matchers: matchers, capabilities: capabilities})
		}
	}
	return resolved
}

func (a *analysis) checkCallers(rule Rule, rulePath string) ([]matcher, bool) {
	if len(rule.Callers) == 0 {
		a.add(SeverityError, CodeInvalidValue, rulePath+".callers", "rule has no callers; name at least one service, SPIFFE ID, SPIFFE prefix or trust domain", rule.ID)
		return nil, false
	}
	valid := true
	matchers := make([]matcher, 0, len(rule.Callers))
	for i, caller := range rule.Callers {
		path := fmt.Sprintf("%s.callers[%d]", rulePath, i)
		m, field, diag := resolveCaller(caller, a.policy.TrustDomain)
		if field != "" {
			path += "." + field
		}
		if diag.Code == "" && caller.Service != "" && a.env.KnownServices != nil && !slices.Contains(a.env.KnownServices, caller.Service) {
			diag = Diagnostic{Code: CodeUnknownService, Message: fmt.Sprintf("caller service %q is not a known service; check the name or declare the service", caller.Service)}
		}
		if diag.Code != "" {
			a.add(SeverityError, diag.Code, path, diag.Message, rule.ID)
			valid = false
			continue
		}
		matchers = append(matchers, m)
	}
	return matchers, valid
}

// resolveCaller turns a Caller into a matcher, resolving service names in
// the policy's trust domain. field names the attribute a problem is about.
func resolveCaller(c Caller, trustDomain string) (m matcher, field string, problem Diagnostic) {
	set := 0
	for _, v := range []string{c.Service, c.SPIFFEID, c.SPIFFEPrefix, c.TrustDomain} {
		if v != "" {
			set++
		}
	}
	if set != 1 {
		return matcher{}, "", Diagnostic{Code: CodeInvalidValue, Message: fmt.Sprintf("a caller sets exactly one of service, spiffe_id, spiffe_prefix, trust_domain; got %s", c)}
	}
	mismatch := func(field, td string) (matcher, string, Diagnostic) {
		return matcher{}, field, Diagnostic{Code: CodeTrustDomainMismatch, Message: fmt.Sprintf(
			"caller %s is in trust domain %q but the policy's trust domain is %q; certificates from the issuing CA can never match it", c, td, trustDomain)}
	}
	switch {
	case c.Service != "":
		id, err := ServiceID(trustDomain, c.Service)
		if err != nil {
			return matcher{}, "service", Diagnostic{Code: CodeInvalidSPIFFEID, Message: err.Error()}
		}
		return matcher{kind: matchExact, id: id}, "", Diagnostic{}
	case c.SPIFFEID != "":
		id, err := ParseSPIFFEID(c.SPIFFEID)
		if err != nil {
			return matcher{}, "spiffe_id", Diagnostic{Code: CodeInvalidSPIFFEID, Message: err.Error()}
		}
		if id.Path == "" {
			return matcher{}, "spiffe_id", Diagnostic{Code: CodeInvalidSPIFFEID, Message: fmt.Sprintf("%q names a whole trust domain, not a workload; use trust_domain = %q to mean every workload in it", c.SPIFFEID, id.TrustDomain)}
		}
		if id.TrustDomain != trustDomain {
			return mismatch("spiffe_id", id.TrustDomain)
		}
		return matcher{kind: matchExact, id: id}, "", Diagnostic{}
	case c.SPIFFEPrefix != "":
		id, err := ParseSPIFFEID(c.SPIFFEPrefix)
		if err != nil {
			return matcher{}, "spiffe_prefix", Diagnostic{Code: CodeInvalidSPIFFEID, Message: err.Error()}
		}
		if id.Path == "" {
			return matcher{}, "spiffe_prefix", Diagnostic{Code: CodeInvalidSPIFFEID, Message: fmt.Sprintf("prefix %q has no path; use trust_domain = %q to mean every workload in it", c.SPIFFEPrefix, id.TrustDomain)}
		}
		if id.TrustDomain != trustDomain {
			return mismatch("spiffe_prefix", id.TrustDomain)
		}
		return matcher{kind: matchPrefix, id: id}, "", Diagnostic{}
	default:
		if err := ValidateTrustDomain(c.TrustDomain); err != nil {
			return matcher{}, "trust_domain", Diagnostic{Code: CodeInvalidSPIFFEID, Message: err.Error()}
		}
		if c.TrustDomain != trustDomain {
			return mismatch("trust_domain", c.TrustDomain)
		}
		return matcher{kind: matchTrustDomain, id: SPIFFEID{TrustDomain: c.TrustDomain}}, "", Diagnostic{}
	}
}

func (a *analysis) checkRuleCapabilities(rule Rule, rulePath string) ([]string, bool) {
	if len(rule.Capabilities) == 0 {
		a.add(SeverityError, CodeInvalidValue, rulePath+".capabilities", "rule names no capabilities; list capability names or \"*\"", rule.ID)
		return nil, false
	}
	if slices.Contains(rule.Capabilities, AllCapabilities) {
		if len(rule.Capabilities) > 1 {
			a.add(SeverityError, CodeInvalidValue, rulePath+".capabilities", "\"*\" already means every capability; list it alone", rule.ID)
			return nil, false
		}
		all := make([]string, 0, len(a.policy.Capabilities))
		for _, c := range a.policy.Capabilities {
			all = append(all, c.Name)
		}
		return all, true
	}
	valid := true
	for i, name := range rule.Capabilities {
		if i > 0 && rule.Capabilities[i-1] == name {
			a.add(SeverityError, CodeDuplicateID, fmt.Sprintf("%s.capabilities", rulePath), fmt.Sprintf("capability %q is listed twice", name), rule.ID)
			valid = false
			continue
		}
		if !a.capabilityNames[name] {
			a.add(SeverityError, CodeUnknownCapability, fmt.Sprintf("%s.capabilities", rulePath),
				fmt.Sprintf("service %q has no capability %q; declare it with crank_capability or fix the name (known: %s)", a.policy.Service, name, strings.Join(sortedKeys(a.capabilityNames), ", ")), rule.ID)
			valid = false
		}
	}
	return rule.Capabilities, valid
}

func (a *analysis) warnBroadGrant(rule Rule, rulePath string) {
	if slices.Contains(rule.Capabilities, AllCapabilities) {
		a.add(SeverityWarning, CodeBroadGrant, rulePath+".capabilities",
			fmt.Sprintf("allow rule grants \"*\": every capability of %q, including ones added later; list the capabilities the callers need", a.policy.Service), rule.ID)
	}
	for i, caller := range rule.Callers {
		if caller.TrustDomain != "" {
			a.add(SeverityWarning, CodeBroadGrant, fmt.Sprintf("%s.callers[%d].trust_domain", rulePath, i),
				fmt.Sprintf("allow rule grants every workload of trust domain %q; name the services or a SPIFFE prefix instead", caller.TrustDomain), rule.ID)
		}
	}
}

// grant is one (capability, caller set) pair of a rule; rules are unions of
// grants, and since caller sets are nested or disjoint, containment and
// intersection are exact per pair.
type grant struct {
	capability string
	caller     matcher
}

func (r resolvedRule) grants() []grant {
	out := make([]grant, 0, len(r.capabilities)*len(r.matchers))
	for _, c := range r.capabilities {
		for _, m := range r.matchers {
			out = append(out, grant{capability: c, caller: m})
		}
	}
	return out
}

func (r resolvedRule) covers(g grant) bool {
	if !slices.Contains(r.capabilities, g.capability) {
		return false
	}
	return slices.ContainsFunc(r.matchers, func(m matcher) bool { return m.contains(g.caller) })
}

// affects reports whether rule other takes part in the same evaluation as
// rule r: enforced rules affect everything, dry-run rules only the shadow
// decision; under audit every rule is meant for eventual enforcement.
func (a *analysis) affects(other, r Rule) bool {
	return a.policy.Enforcement == EnforcementAudit || other.Mode == ModeEnforce || r.Mode == ModeDryRun
}

func (a *analysis) checkInteractions(rules []resolvedRule) {
	var allows, denies []resolvedRule
	for _, r := range rules {
		if r.rule.Action == ActionAllow {
			allows = append(allows, r)
		} else {
			denies = append(denies, r)
		}
	}
	for _, allow := range allows {
		a.checkAllowAgainstDenies(allow, denies)
		a.checkRedundant(allow, allows)
	}
	a.checkReachability(allows, denies)
}

func (a *analysis) checkAllowAgainstDenies(allow resolvedRule, denies []resolvedRule) {
	path := fmt.Sprintf("rules[%q]", allow.rule.ID)
	grants := allow.grants()
	var shadowers []string
	uncovered := 0
	for _, g := range grants {
		coveredBy := ""
		for _, deny := range denies {
			if a.affects(deny.rule, allow.rule) && deny.covers(g) {
				coveredBy = deny.rule.ID
				break
			}
		}
		if coveredBy == "" {
			uncovered++
		} else if !slices.Contains(shadowers, coveredBy) {
			shadowers = append(shadowers, coveredBy)
		}
	}
	if len(grants) > 0 && uncovered == 0 {
		slices.Sort(shadowers)
		a.add(SeverityWarning, CodeShadowedAllow, path,
			fmt.Sprintf("allow rule %q never takes effect: deny rule(s) %s match every caller and capability it allows, and deny wins", allow.rule.ID, quoteList(shadowers)),
			append([]string{allow.rule.ID}, shadowers...)...)
		return
	}
	for _, deny := range denies {
		if !a.affects(deny.rule, allow.rule) {
			continue
		}
		var overlaps []string
		for _, g := range grants {
			if !slices.Contains(deny.capabilities, g.capability) {
				continue
			}
			for _, m := range deny.matchers {
				if inter, ok := intersect(g.caller, m); ok {
					overlaps = append(overlaps, fmt.Sprintf("%s on %s", inter, g.capability))
				}
			}
		}
		if len(overlaps) > 0 {
			slices.Sort(overlaps)
			overlaps = slices.Compact(overlaps)
			a.add(SeverityWarning, CodePartialOverlap, path,
				fmt.Sprintf("allow rule %q and deny rule %q overlap on %s; deny wins there, the rest of the allow stands", allow.rule.ID, deny.rule.ID, strings.Join(overlaps, ", ")),
				allow.rule.ID, deny.rule.ID)
		}
	}
}

func (a *analysis) checkRedundant(allow resolvedRule, allows []resolvedRule) {
	if allow.rule.RateLimit != nil {
		return // its limit still applies even where another allow matches
	}
	grants := allow.grants()
	var coverers []string
	for _, g := range grants {
		coveredBy := ""
		for _, other := range allows {
			if other.rule.ID == allow.rule.ID || !a.affects(other.rule, allow.rule) || !other.covers(g) {
				continue
			}
			// Of two identical rules only the later ID is called redundant,
			// so the warning never suggests deleting both.
			if other.rule.ID > allow.rule.ID && other.coversExactly(g) && allow.rule.Mode == other.rule.Mode {
				continue
			}
			coveredBy = other.rule.ID
			break
		}
		if coveredBy == "" {
			return
		}
		if !slices.Contains(coverers, coveredBy) {
			coverers = append(coverers, coveredBy)
		}
	}
	if len(grants) > 0 {
		slices.Sort(coverers)
		a.add(SeverityWarning, CodeRedundantAllow, fmt.Sprintf("rules[%q]", allow.rule.ID),
			fmt.Sprintf("allow rule %q adds nothing: allow rule(s) %s already grant every caller and capability it names", allow.rule.ID, quoteList(coverers)),
			append([]string{allow.rule.ID}, coverers...)...)
	}
}

func (r resolvedRule) coversExactly(g grant) bool {
	return slices.Contains(r.capabilities, g.capability) &&
		slices.ContainsFunc(r.matchers, func(m matcher) bool { return m == g.caller })
}

func (a *analysis) checkReachability(allows, denies []resolvedRule) {
	if a.policy.DefaultAction == ActionAllow {
		return
	}
	audit := a.policy.Enforcement == EnforcementAudit
	for _, c := range a.policy.Capabilities {
		if c.Name == "" || c.Name == AllCapabilities {
			continue
		}
		reachable := false
		for _, allow := range allows {
			if allow.rule.Mode != ModeEnforce && !audit {
				continue
			}
			for _, g := range allow.grants() {
				if g.capability != c.Name {
					continue
				}
				blocked := slices.ContainsFunc(denies, func(d resolvedRule) bool {
					return (audit || d.rule.Mode == ModeEnforce) && d.covers(g)
				})
				if !blocked {
					reachable = true
				}
			}
		}
		if !reachable {
			a.add(SeverityWarning, CodeUnreachableCapability, fmt.Sprintf("capabilities[%q]", c.Name),
				fmt.Sprintf("no caller can use capability %q: no enforced allow rule grants it (or every one is shadowed by a deny) and default_action is deny", c.Name))
		}
	}
}

func diagDuplicateRuleID(id, path string) Diagnostic {
	return Diagnostic{
		Severity: SeverityError, Code: CodeDuplicateID, Path: path, RuleIDs: []string{id},
		Message: fmt.Sprintf("rule ID %q is used more than once; rule IDs must be unique so decisions can name the rule", id),
	}
}

func quoteList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(quoted, ", ")
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
