// Package capd is the capability decision server behind crank-cap: it
// answers for services that do not import cap, behind a proxy. Envoy asks
// it over the ext_authz gRPC API, nginx over auth_request. Both use the
// same bundles, evaluator, request mapping, limits, metrics and denial
// headers as the HTTP middleware and gRPC interceptors in package cap.
package capd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/crank-platform/terraform-provider-crank/cap"
)

// Service is one protected service: the bundle that decides for it, the
// CAs its callers' certificates must chain to, and the TLS server names
// (SNI) that select it.
type Service struct {
	Name   string
	Policy cap.EvaluatorSource
	Trust  *cap.TrustBundle
	SNI    []string
}

// Config is what a decision server serves.
type Config struct {
	// Services are the protected services, one bundle each.
	Services []Service
	// Selector names the request attribute that says which service a
	// request is for: for ext_authz a key of Envoy's context_extensions
	// (set per route, out of the client's reach; request headers are never
	// read for it), for auth_request a header that nginx sets with
	// proxy_set_header (which replaces the client's). When it is absent
	// the TLS server name (SNI) decides; with a single service neither is
	// needed.
	Selector string
	// Proxies are the SPIFFE IDs allowed to ask. A forwarded certificate
	// is public data, so only a proxy that did the handshake itself may
	// vouch for who holds its key; any other peer is refused.
	Proxies []string
	// TrustProxyPrincipal takes Envoy's attributes.source.principal as the
	// caller's verified SPIFFE ID instead of re-verifying the forwarded
	// certificate against the service's trust bundle.
	TrustProxyPrincipal bool
	// Log records decisions (may be nil); Options add the in-flight limit
	// and metrics (cap.WithInFlightLimit, cap.WithMetrics).
	Log     *cap.DecisionLog
	Options []cap.RuntimeOption
	Logger  *slog.Logger
	// Now is the clock forwarded certificates are verified at; nil is time.Now.
	Now func() time.Time
}

// Server decides requests that proxies forward. It is safe for concurrent use.
type Server struct {
	byName         map[string]*Service
	bySNI          map[string]*Service
	only           *Service
	names          []string
	selector       string
	proxies        map[string]bool
	trustPrincipal bool
	extAuthz       *cap.Enforcer
	authRequest    *cap.Enforcer
	verifier       *cap.ForwardedVerifier
	logger         *slog.Logger
	now            func() time.Time
}

// New checks config and builds the server. Every problem is an error:
// a service without a bundle or trust bundle, a name its bundle is not
// for, an SNI claimed twice, no proxies.
func New(config Config) (*Server, error) {
	s := &Server{
		byName: map[string]*Service{}, bySNI: map[string]*Service{},
		selector: strings.ToLower(config.Selector), proxies: map[string]bool{},
		trustPrincipal: config.TrustProxyPrincipal,
		extAuthz:       cap.NewEnforcer(cap.ViaExtAuthz, config.Log, config.Options...),
		authRequest:    cap.NewEnforcer(cap.ViaAuthRequest, config.Log, config.Options...),
		verifier:       cap.NewForwardedVerifier(0),
		logger:         config.Logger, now: config.Now,
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	var problems []error
	if len(config.Services) == 0 {
		problems = append(problems, errors.New("no services configured; list each protected service with its bundle"))
	}
	if len(config.Proxies) == 0 {
		problems = append(problems, errors.New("no proxies configured; list the SPIFFE IDs of the Envoy or nginx instances allowed to ask (a forwarded certificate proves nothing unless the proxy did the handshake)"))
	}
	for _, proxy := range config.Proxies {
		id, err := cap.ParseSPIFFEID(proxy)
		if err != nil || id.Path == "" {
			problems = append(problems, fmt.Errorf("proxy %q is not a workload SPIFFE ID", proxy))
			continue
		}
		s.proxies[id.String()] = true
	}
	for i := range config.Services {
		svc := &config.Services[i]
		switch {
		case svc.Policy == nil:
			problems = append(problems, fmt.Errorf("service %q has no bundle", svc.Name))
			continue
		case svc.Trust == nil && !config.TrustProxyPrincipal:
			problems = append(problems, fmt.Errorf("service %q has no client trust bundle to verify forwarded certificates against", svc.Name))
		}
		if got := svc.Policy.Evaluator().Bundle().Policy.Service; got != svc.Name {
			problems = append(problems, fmt.Errorf("service %q is configured with a bundle for %q; pass the %q bundle", svc.Name, got, svc.Name))
		}
		if _, dup := s.byName[svc.Name]; dup {
			problems = append(problems, fmt.Errorf("service %q is configured twice", svc.Name))
		}
		s.byName[svc.Name] = svc
		s.names = append(s.names, svc.Name)
		for _, name := range svc.SNI {
			name = strings.ToLower(name)
			if other, dup := s.bySNI[name]; dup {
				problems = append(problems, fmt.Errorf("server name %q selects both %q and %q", name, other.Name, svc.Name))
			}
			s.bySNI[name] = svc
		}
	}
	if len(config.Services) == 1 {
		s.only = &config.Services[0]
	}
	if len(config.Services) > 1 && s.selector == "" && len(s.bySNI) == 0 {
		problems = append(problems, errors.New("several services but neither a selector nor server names to tell them apart"))
	}
	if err := errors.Join(problems...); err != nil {
		return nil, fmt.Errorf("decision server: %w", err)
	}
	sort.Strings(s.names)
	return s, nil
}

// allowedProxy reports whether peer may ask for decisions.
func (s *Server) allowedProxy(peer string) bool { return s.proxies[peer] }

// selectService finds the service a request is for: by the selector
// value, else by server name, else the only one.
func (s *Server) selectService(selected, serverName string) (*Service, error) {
	if selected != "" {
		if svc, ok := s.byName[selected]; ok {
			return svc, nil
		}
		return nil, fmt.Errorf("no protected service is named %q (selector %s); configured: %s", truncate(selected), s.selector, strings.Join(s.names, ", "))
	}
	if serverName != "" {
		if svc, ok := s.bySNI[strings.ToLower(serverName)]; ok {
			return svc, nil
		}
	}
	if s.only != nil {
		return s.only, nil
	}
	return nil, fmt.Errorf("the request names no protected service: set %s or use a server name (SNI) of one of: %s", s.selector, strings.Join(s.names, ", "))
}

// forwarded is what a proxy tells about one request.
type forwarded struct {
	selected, serverName string
	method, uri          string
	grpc                 bool
	certificate          string // URL-encoded PEM
	principal            string // only read with TrustProxyPrincipal
}

// decide is the one decision path of both APIs.
func (s *Server) decide(ctx context.Context, enforcer *cap.Enforcer, req forwarded, started time.Time) cap.Decision {
	svc, err := s.selectService(req.selected, req.serverName)
	if err != nil {
		// No service, so no bundle: nothing from the request goes into
		// labels, only a fixed reason.
		d := cap.Decision{
			Outcome: cap.Outcome{Decision: cap.ActionDeny, Reason: cap.ReasonUnknownService, RuleIDs: []string{}},
			Detail:  err.Error(),
			Caller:  "",
			Service: "",
		}
		d.Shadow = d.Outcome
		d, _ = enforcer.Admit(ctx, d, started, slog.String("method", req.method))
		return d
	}
	evaluator := svc.Policy.Evaluator()
	capability, mapErr := evaluator.CapabilityForForwarded(req.method, req.uri, req.grpc)
	var d cap.Decision
	if s.trustPrincipal {
		d = evaluator.DecidePrincipal(req.principal, capability)
	} else {
		d = s.verifier.Decide(evaluator, req.certificate, svc.Trust.Pool(), s.now(), capability)
	}
	if mapErr != nil && d.Reason == cap.ReasonUnknownCapability {
		d.Detail = mapErr.Error()
	}
	d, release := enforcer.Admit(ctx, d, started, slog.String("method", req.method), slog.String("path", pathOnly(req.uri)))
	// The proxy does not report when the request it asked about ends, so
	// an in-flight slot here covers the decision itself.
	release()
	return d
}

func pathOnly(uri string) string {
	if i := strings.IndexAny(uri, "?#"); i >= 0 {
		uri = uri[:i]
	}
	return truncate(uri)
}

func truncate(s string) string {
	const limit = 120
	if len(s) > limit {
		return s[:limit] + "..."
	}
	return s
}

// ServiceNames lists the protected services, sorted.
func (s *Server) ServiceNames() []string { return slices.Clone(s.names) }
