package pki

import (
	"fmt"
	"net/url"
	"strings"
)

// MaxSPIFFEIDLength is the limit the SPIFFE ID spec (§2.3) sets for URI SANs.
const MaxSPIFFEIDLength = 2048

// ValidateTrustDomain checks a trust domain name against the SPIFFE ID spec
// (§2.1): lowercase letters, digits, dots, dashes and underscores only.
func ValidateTrustDomain(td string) error {
	if td == "" {
		return fmt.Errorf("trust domain is empty; set one such as \"prod.example.org\"")
	}
	for i, r := range td {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return fmt.Errorf("trust domain %q has the character %q at position %d; only lowercase letters, digits, '.', '-' and '_' are allowed", td, r, i)
		}
	}
	return nil
}

// ValidateSPIFFEPathSegment checks one path segment (§2.2): letters, digits,
// '.', '-' and '_', and never "." or "..".
func ValidateSPIFFEPathSegment(seg string) error {
	if seg == "" {
		return fmt.Errorf("path has an empty segment (two slashes, or a trailing slash)")
	}
	if seg == "." || seg == ".." {
		return fmt.Errorf("path segment %q is not allowed", seg)
	}
	for _, r := range seg {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return fmt.Errorf("path segment %q has the character %q; only letters, digits, '.', '-' and '_' are allowed", seg, r)
		}
	}
	return nil
}

// SPIFFEID is a parsed, valid SPIFFE ID.
type SPIFFEID struct {
	TrustDomain string
	// Path starts with "/" or is empty for the trust domain's own ID.
	Path string
}

func (id SPIFFEID) String() string { return "spiffe://" + id.TrustDomain + id.Path }

// URL returns the ID as a URL for a URI SAN.
func (id SPIFFEID) URL() *url.URL {
	return &url.URL{Scheme: "spiffe", Host: id.TrustDomain, Path: id.Path}
}

// ParseSPIFFEID validates s by the SPIFFE ID spec and splits it.
func ParseSPIFFEID(s string) (SPIFFEID, error) {
	bad := func(why string) (SPIFFEID, error) {
		return SPIFFEID{}, fmt.Errorf("invalid SPIFFE ID %q: %s", s, why)
	}
	if len(s) > MaxSPIFFEIDLength {
		return bad(fmt.Sprintf("longer than %d bytes", MaxSPIFFEIDLength))
	}
	const scheme = "spiffe://"
	if !strings.HasPrefix(s, scheme) {
		return bad("it must start with \"spiffe://\" (the scheme is lowercase)")
	}
	rest := s[len(scheme):]
	if strings.ContainsAny(rest, "?#") {
		return bad("query and fragment components are not allowed")
	}
	td, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		td, path = rest[:i], rest[i:]
	}
	if strings.ContainsAny(td, "@") {
		return bad("user info is not allowed")
	}
	if strings.Contains(td, ":") {
		return bad("a port is not allowed in the trust domain")
	}
	if err := ValidateTrustDomain(td); err != nil {
		return bad(err.Error())
	}
	if path != "" {
		for _, seg := range strings.Split(path[1:], "/") {
			if err := ValidateSPIFFEPathSegment(seg); err != nil {
				return bad(err.Error())
			}
		}
	}
	return SPIFFEID{TrustDomain: td, Path: path}, nil
}

// ServiceSPIFFEID builds spiffe://<trust_domain>/<service>, where service may
// hold several segments ("ns/prod/billing").
func ServiceSPIFFEID(trustDomain, service string) (SPIFFEID, error) {
	if service == "" {
		return SPIFFEID{}, fmt.Errorf("service name is empty")
	}
	return ParseSPIFFEID("spiffe://" + trustDomain + "/" + service)
}
