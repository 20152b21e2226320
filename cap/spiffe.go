package cap

import (
	"errors"
	"fmt"
	"strings"
)

// SPIFFE ID limits from the SPIFFE ID specification, section 2.
const (
	spiffeScheme          = "spiffe://"
	maxSPIFFEIDLength     = 2048
	maxTrustDomainLength  = 255
	spiffeIDSpecReference = "see https://github.com/spiffe/spiffe/blob/main/standards/SPIFFE-ID.md"
)

// SPIFFEID is a parsed, valid SPIFFE ID: spiffe://<TrustDomain><Path>.
// Path is empty (the trust domain itself) or starts with "/".
type SPIFFEID struct {
	TrustDomain string
	Path        string
}

// String returns the canonical URI form.
func (id SPIFFEID) String() string {
	return spiffeScheme + id.TrustDomain + id.Path
}

// IsZero reports whether id is the zero value.
func (id SPIFFEID) IsZero() bool { return id.TrustDomain == "" && id.Path == "" }

// HasPathPrefix reports whether prefix is a whole-segment prefix of id in the
// same trust domain: spiffe://td/billing has spiffe://td/billing/worker
// beneath it, never spiffe://td/billing-v2. An ID is its own prefix.
func (id SPIFFEID) HasPathPrefix(prefix SPIFFEID) bool {
	return id.TrustDomain == prefix.TrustDomain && hasSegmentPrefix(id.Path, prefix.Path)
}

func hasSegmentPrefix(path, prefix string) bool {
	if prefix == "" {
		return true
	}
	if !strings.HasPrefix(path, prefix) {
		return false
	}
	return len(path) == len(prefix) || path[len(prefix)] == '/'
}

// ParseSPIFFEID parses and validates s per the SPIFFE ID specification:
// scheme "spiffe", a lowercase trust domain of [a-z0-9.-_], an optional path
// of segments of [A-Za-z0-9.-_] (no empty, "." or ".." segment, no trailing
// slash), no query, fragment, port, user info or percent-encoding, at most
// 2048 bytes in total.
func ParseSPIFFEID(s string) (SPIFFEID, error) {
	td, path, problem := splitSPIFFEID(s)
	if problem != "" {
		return SPIFFEID{}, fmt.Errorf("invalid SPIFFE ID %q: %s (%s)", truncateForMessage(s), problem, spiffeIDSpecReference)
	}
	return SPIFFEID{TrustDomain: td, Path: path}, nil
}

// ServiceID returns the SPIFFE ID Crank gives a service:
// spiffe://<trustDomain>/<service>.
func ServiceID(trustDomain, service string) (SPIFFEID, error) {
	if err := ValidateTrustDomain(trustDomain); err != nil {
		return SPIFFEID{}, err
	}
	if err := ValidateServiceName(service); err != nil {
		return SPIFFEID{}, err
	}
	return SPIFFEID{TrustDomain: trustDomain, Path: "/" + service}, nil
}

// ValidateTrustDomain checks a bare trust domain name such as "example.org".
func ValidateTrustDomain(td string) error {
	if problem := trustDomainProblem(td); problem != "" {
		return fmt.Errorf("invalid trust domain %q: %s (%s)", truncateForMessage(td), problem, spiffeIDSpecReference)
	}
	return nil
}

// ValidateServiceName checks that a service name can stand as one SPIFFE
// path segment, which is how Crank names services in SPIFFE IDs.
func ValidateServiceName(service string) error {
	if service == "" {
		return errors.New("service name is empty; give the name used in the service's SPIFFE ID, e.g. \"billing\"")
	}
	if problem := segmentProblem(service); problem != "" {
		return fmt.Errorf("invalid service name %q: %s; a service name becomes one SPIFFE path segment", truncateForMessage(service), problem)
	}
	return nil
}

// splitSPIFFEID validates without allocating, so Decide can call it on every
// request; problem is empty when s is valid.
func splitSPIFFEID(s string) (trustDomain, path, problem string) {
	if len(s) > maxSPIFFEIDLength {
		return "", "", "longer than 2048 bytes"
	}
	if !strings.HasPrefix(s, spiffeScheme) {
		if i := strings.Index(s, "://"); i > 0 && strings.EqualFold(s[:i], "spiffe") {
			return "", "", "scheme must be lowercase \"spiffe\""
		}
		return "", "", "must start with \"spiffe://\""
	}
	rest := s[len(spiffeScheme):]
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		trustDomain = rest
	} else {
		trustDomain, path = rest[:slash], rest[slash:]
	}
	if p := trustDomainProblem(trustDomain); p != "" {
		return "", "", p
	}
	if p := pathProblem(path); p != "" {
		return "", "", p
	}
	return trustDomain, path, ""
}

func trustDomainProblem(td string) string {
	if td == "" {
		return "trust domain is empty"
	}
	if len(td) > maxTrustDomainLength {
		return "trust domain is longer than 255 bytes"
	}
	for _, c := range td {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
		case c >= 'A' && c <= 'Z':
			return "trust domain must be lowercase"
		case c == ':':
			return "trust domain must not contain a port"
		case c == '@':
			return "trust domain must not contain user info"
		case c == '?':
			return "query is not allowed"
		case c == '#':
			return "fragment is not allowed"
		default:
			return fmt.Sprintf("trust domain contains %q; only a-z, 0-9, '.', '-' and '_' are allowed", c)
		}
	}
	return ""
}

func pathProblem(path string) string {
	if path == "" {
		return ""
	}
	if path == "/" || path[len(path)-1] == '/' {
		return "path must not end with '/'"
	}
	for rest := path[1:]; ; {
		segment := rest
		next := strings.IndexByte(rest, '/')
		if next >= 0 {
			segment = rest[:next]
		}
		if p := segmentProblem(segment); p != "" {
			return p
		}
		if next < 0 {
			return ""
		}
		rest = rest[next+1:]
	}
}

func segmentProblem(segment string) string {
	switch segment {
	case "":
		return "path has an empty segment"
	case ".", "..":
		return "path segments must not be '.' or '..'"
	}
	// Ranging over runes, not bytes, names the character the user typed
	// ('í', not the first byte of its UTF-8 form).
	for _, c := range segment {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
		case c == '?':
			return "query is not allowed"
		case c == '#':
			return "fragment is not allowed"
		case c == '%':
			return "percent-encoding is not allowed"
		default:
			return fmt.Sprintf("path contains %q; only A-Z, a-z, 0-9, '.', '-' and '_' are allowed in a segment", c)
		}
	}
	return ""
}

// truncateForMessage keeps error messages readable when fed hostile input.
func truncateForMessage(s string) string {
	const limit = 120
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "..."
}
