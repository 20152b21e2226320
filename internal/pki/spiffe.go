package pki

import (
	"net/url"

	"github.com/crank-platform/terraform-provider-crank/cap"
)

// SPIFFE ID rules live in the public cap package, which services import, so
// the identity a certificate carries and the identity a policy matches are
// validated by the same code.

// SPIFFEID is a parsed, valid SPIFFE ID.
type SPIFFEID = cap.SPIFFEID

// ParseSPIFFEID validates s by the SPIFFE ID specification and splits it.
func ParseSPIFFEID(s string) (SPIFFEID, error) { return cap.ParseSPIFFEID(s) }

// ValidateTrustDomain checks a trust domain name such as "prod.example.org".
func ValidateTrustDomain(td string) error { return cap.ValidateTrustDomain(td) }

// ServiceSPIFFEID builds spiffe://<trust_domain>/<service>, where service may
// hold several path segments ("payments/billing").
func ServiceSPIFFEID(trustDomain, service string) (SPIFFEID, error) {
	if err := cap.ValidateTrustDomain(trustDomain); err != nil {
		return SPIFFEID{}, err
	}
	return cap.ParseSPIFFEID("spiffe://" + trustDomain + "/" + service)
}

// SPIFFEURL returns the ID as a URL for a URI SAN.
func SPIFFEURL(id SPIFFEID) *url.URL {
	return &url.URL{Scheme: "spiffe", Host: id.TrustDomain, Path: id.Path}
}
