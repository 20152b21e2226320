package vault

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	glob "github.com/ryanuber/go-glob"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// Role is the part of a Vault PKI role (pki/roles/<name>) that decides
// whether pki/sign issues a request exactly as asked. The checks mirror
// Vault 1.21's builtin/logical/pki/issuing (ValidateNames, ValidateURISAN,
// the key checks of SignCert, GetCertificateNotAfter), so a request Vault
// would refuse, or would silently change, fails the plan naming the setting.
type Role struct {
	AllowAnyName           bool     `json:"allow_any_name"`
	AllowBareDomains       bool     `json:"allow_bare_domains"`
	AllowSubdomains        bool     `json:"allow_subdomains"`
	AllowGlobDomains       bool     `json:"allow_glob_domains"`
	AllowLocalhost         bool     `json:"allow_localhost"`
	AllowWildcard          *bool    `json:"allow_wildcard_certificates,omitempty"`
	AllowedDomains         []string `json:"allowed_domains"`
	AllowedDomainsTemplate bool     `json:"allowed_domains_template"`
	EnforceHostnames       bool     `json:"enforce_hostnames"`
	AllowIPSANs            bool     `json:"allow_ip_sans"`
	AllowedURISANs         []string `json:"allowed_uri_sans"`
	AllowedURISANsTemplate bool     `json:"allowed_uri_sans_template"`
	RequireCN              bool     `json:"require_cn"`
	UseCSRCommonName       bool     `json:"use_csr_common_name"`
	UseCSRSANs             bool     `json:"use_csr_sans"`
	CNValidations          []string `json:"cn_validations"`
	// MaxTTL is the role's max_ttl in seconds; 0 means the mount's.
	MaxTTL int64 `json:"max_ttl"`
	// MountMaxTTL is the mount's max_lease_ttl in seconds, 0 when the
	// credentials may not read it.
	MountMaxTTL int64  `json:"mount_max_ttl,omitempty"`
	NotAfter    string `json:"not_after"`
	// NotBeforeDuration (seconds) is how far Vault backdates notBefore.
	NotBeforeDuration   int64    `json:"not_before_duration"`
	KeyType             string   `json:"key_type"`
	KeyBits             int      `json:"key_bits"`
	ServerFlag          bool     `json:"server_flag"`
	ClientFlag          bool     `json:"client_flag"`
	CodeSigningFlag     bool     `json:"code_signing_flag"`
	EmailProtectionFlag bool     `json:"email_protection_flag"`
	ExtKeyUsage         []string `json:"ext_key_usage"`
	ExtKeyUsageOIDs     []string `json:"ext_key_usage_oids"`
	Organization        []string `json:"organization"`
	OU                  []string `json:"ou"`
	Country             []string `json:"country"`
	Locality            []string `json:"locality"`
	Province            []string `json:"province"`
	StreetAddress       []string `json:"street_address"`
	PostalCode          []string `json:"postal_code"`
	IssuerRef           string   `json:"issuer_ref"`
	NoStore             bool     `json:"no_store"`
}

func roleErr(attr, value, role, problem, fix string) *pki.PolicyError {
	return &pki.PolicyError{Attribute: attr, Value: value, Problem: fmt.Sprintf("the Vault role %q %s", role, problem), Fix: fix}
}

// Check returns a *pki.PolicyError on the attribute at fault for the first
// part of r the role would refuse or change. ca is the issuing CA, whose
// own end bounds the validity as Vault's leaf_not_after_behavior does.
func (ro Role) Check(role string, r pki.LeafRequest, ca *x509.Certificate) error {
	cn := r.Subject.CommonName
	if cn == "" && ro.RequireCN {
		return roleErr("subject", "", role, "requires a common name (require_cn = true), and this certificate has none", "Set dns_names (the first becomes the common name) or subject.common_name, or set require_cn = false on the role")
	}
	for _, n := range r.DNSNames {
		if bad := ro.badName(n); bad != "" {
			return roleErr("dns_names", n, role, "does not allow this name ("+ro.nameSettings()+")", "Use a name the role allows, or widen allowed_domains / allow_subdomains / allow_any_name on the role")
		}
	}
	if cn != "" && !slices.Contains(ro.CNValidations, "disabled") {
		if bad := ro.badName(cn); bad != "" {
			return roleErr("subject", cn, role, "does not allow the common name "+bad+" ("+ro.nameSettings()+")", "Use a name the role allows, or widen allowed_domains / allow_subdomains on the role")
		}
	}
	if len(r.IPAddresses) > 0 && !ro.AllowIPSANs {
		return roleErr("ip_addresses", r.IPAddresses[0].String(), role, "does not allow IP SANs (allow_ip_sans = false)", "Remove ip_addresses, or set allow_ip_sans = true on the role")
	}
	for _, u := range r.URIs {
		if err := ro.checkURI(role, u); err != nil {
			return err
		}
	}
	if err := ro.checkSubject(role, r); err != nil {
		return err
	}
	if err := ro.checkUsages(role, r.Usages); err != nil {
		return err
	}
	if r.PublicKey != nil {
		if err := ro.checkKey(role, r.PublicKey); err != nil {
			return err
		}
	}
	if !r.NotAfter.IsZero() {
		ttl := r.NotAfter.Sub(r.NotBefore)
		if ro.NotAfter != "" {
			return roleErr("validity", formatTTL(ttl), role, "fixes every certificate's end (not_after = "+ro.NotAfter+")", "Remove not_after from the role, or issue through another role")
		}
		maxTTL, setting := time.Duration(ro.MaxTTL)*time.Second, "max_ttl"
		if maxTTL == 0 {
			maxTTL, setting = time.Duration(ro.MountMaxTTL)*time.Second, "the mount's max_lease_ttl (the role's max_ttl is unset)"
		}
		if maxTTL > 0 && ttl > maxTTL {
			return roleErr("validity", formatTTL(ttl), role, fmt.Sprintf("allows at most %s (%s), and Vault would cut the certificate short", formatTTL(maxTTL), setting), "Lower validity (and renew_before with it), or raise max_ttl on the role")
		}
		if nb := r.NotBefore.Add(-time.Duration(ro.NotBeforeDuration) * time.Second); ca != nil && nb.Before(ca.NotBefore) {
			return roleErr("issuer", "", role, fmt.Sprintf("backdates notBefore by %s (not_before_duration), which is before its issuer's notBefore %s, and Vault refuses that", formatTTL(time.Duration(ro.NotBeforeDuration)*time.Second), ca.NotBefore.UTC().Format(time.RFC3339)), "Plan again after "+ca.NotBefore.Add(time.Duration(ro.NotBeforeDuration)*time.Second).UTC().Format(time.RFC3339)+", or lower not_before_duration on the role")
		}
		if ca != nil && r.NotAfter.After(ca.NotAfter) {
			return roleErr("validity", formatTTL(ttl), role, "signs with an issuer that expires at "+ca.NotAfter.UTC().Format(time.RFC3339)+", before this certificate would", "Lower validity, or rotate the mount's issuer to one that lives longer")
		}
	}
	return nil
}

func (ro Role) nameSettings() string {
	return fmt.Sprintf("allowed_domains = [%s], allow_subdomains = %t, allow_bare_domains = %t, allow_glob_domains = %t, allow_any_name = %t", strings.Join(ro.AllowedDomains, ", "), ro.AllowSubdomains, ro.AllowBareDomains, ro.AllowGlobDomains, ro.AllowAnyName)
}

// badName follows Vault's ValidateNames for one DNS name: it returns the
// name when the role refuses it, "" when it allows it. Templated domains
// depend on the caller's identity, which only Vault knows: they pass here
// and Vault's own answer decides at apply.
func (ro Role) badName(name string) string {
	reduced := name
	wildcard := false
	if strings.HasPrefix(reduced, "*.") {
		wildcard = true
		if ro.AllowWildcard != nil && !*ro.AllowWildcard {
			return name
		}
		reduced = reduced[2:]
	}
	if ro.AllowAnyName || ro.AllowedDomainsTemplate {
		return ""
	}
	if ro.AllowLocalhost {
		if reduced == "localhost" || reduced == "localdomain" {
			return ""
		}
		if ro.AllowSubdomains && (strings.HasSuffix(reduced, ".localhost") || strings.HasSuffix(reduced, ".localdomain")) {
			return ""
		}
	}
	for _, d := range ro.AllowedDomains {
		if d == "" {
			continue
		}
		if ro.AllowBareDomains && strings.EqualFold(name, d) {
			return ""
		}
		if ro.AllowSubdomains && (strings.HasSuffix(reduced, "."+d) || (wildcard && strings.EqualFold(reduced, d))) {
			return ""
		}
		if ro.AllowGlobDomains && strings.Contains(d, "*") && glob.Glob(strings.ToLower(d), strings.ToLower(name)) {
			return ""
		}
	}
	return name
}

func (ro Role) checkURI(role string, u *url.URL) error {
	if len(ro.AllowedURISANs) == 0 {
		return roleErr("spiffe_id", u.String(), role, "allows no URI SANs (allowed_uri_sans is empty), and every crank certificate carries its SPIFFE ID as one", "Set allowed_uri_sans on the role, for example \"spiffe://<trust-domain>/*\"")
	}
	if ro.AllowedURISANsTemplate {
		return nil
	}
	for _, pattern := range ro.AllowedURISANs {
		if glob.Glob(pattern, u.String()) {
			return nil
		}
	}
	return roleErr("spiffe_id", u.String(), role, "does not allow this URI SAN (allowed_uri_sans = ["+strings.Join(ro.AllowedURISANs, ", ")+"])", "Use a service and trust domain the role allows, or add a pattern to allowed_uri_sans")
}

// checkSubject: pki/sign writes the role's subject fields, not the CSR's,
// so anything besides the common name must match the role exactly.
func (ro Role) checkSubject(role string, r pki.LeafRequest) error {
	for _, f := range []struct {
		setting   string
		role, req []string
	}{
		{"organization", ro.Organization, r.Subject.Organization},
		{"ou", ro.OU, r.Subject.OrganizationalUnit},
		{"country", ro.Country, r.Subject.Country},
		{"locality", ro.Locality, r.Subject.Locality},
		{"province", ro.Province, r.Subject.Province},
		{"street_address", ro.StreetAddress, r.Subject.StreetAddress},
		{"postal_code", ro.PostalCode, r.Subject.PostalCode},
	} {
		if !slices.Equal(nonEmpty(f.role), nonEmpty(f.req)) {
			return roleErr("subject", strings.Join(f.req, ", "), role, fmt.Sprintf("writes its own subject %s = [%s] into every certificate, not the one asked for", f.setting, strings.Join(f.role, ", ")), "Make subject match the role's "+f.setting+", or change the role")
		}
	}
	return nil
}

func nonEmpty(s []string) []string {
	var out []string
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// checkUsages: the role's flags decide the extended key usages.
func (ro Role) checkUsages(role string, usages []pki.Usage) error {
	want := map[pki.Usage]bool{}
	for _, u := range usages {
		want[u] = true
	}
	for _, f := range []struct {
		usage   pki.Usage
		flag    string
		enabled bool
	}{{pki.UsageServer, "server_flag", ro.ServerFlag}, {pki.UsageClient, "client_flag", ro.ClientFlag}} {
		if want[f.usage] != f.enabled {
			verb := "does not write"
			if f.enabled {
				verb = "always writes"
			}
			return roleErr("usages", string(f.usage), role, fmt.Sprintf("%s the %s usage (%s = %t)", verb, f.usage, f.flag, f.enabled), fmt.Sprintf("Make usages match the role, or set %s = %t on the role", f.flag, !f.enabled))
		}
	}
	if ro.CodeSigningFlag || ro.EmailProtectionFlag || len(ro.ExtKeyUsage) > 0 || len(ro.ExtKeyUsageOIDs) > 0 {
		return roleErr("usages", "", role, "adds extended key usages beyond server and client (code_signing_flag, email_protection_flag, ext_key_usage or ext_key_usage_oids)", "Use a role for TLS identities only")
	}
	return nil
}

// checkKey mirrors SignCert's key checks: the type must match key_type
// (unless "any") and RSA and EC keys must reach key_bits.
func (ro Role) checkKey(role string, pub any) error {
	typ, bits := "", 0
	switch k := pub.(type) {
	case *rsa.PublicKey:
		typ, bits = "rsa", k.N.BitLen()
	case *ecdsa.PublicKey:
		typ, bits = "ec", k.Params().BitSize
	case ed25519.PublicKey:
		typ = "ed25519"
	default:
		return roleErr("key_algorithm", fmt.Sprintf("%T", pub), role, "cannot sign this key type", "Use an ECDSA, Ed25519 or RSA key")
	}
	if ro.KeyType != "any" && ro.KeyType != "" && ro.KeyType != typ {
		return roleErr("key_algorithm", typ, role, "requires keys of type "+ro.KeyType+" (key_type)", "Set key_algorithm to a "+ro.KeyType+" algorithm, or set key_type = \"any\" on the role")
	}
	min := ro.KeyBits
	if ro.KeyType == "any" || ro.KeyType == "" {
		min = map[string]int{"rsa": 2048, "ec": 224}[typ]
	}
	if typ == "rsa" && min < 2048 {
		min = 2048
	}
	if typ != "ed25519" && bits < min {
		return roleErr("key_algorithm", fmt.Sprintf("%s %d", typ, bits), role, fmt.Sprintf("requires at least %d-bit keys (key_bits = %d)", min, ro.KeyBits), "Choose a larger key_algorithm")
	}
	return nil
}

func formatTTL(d time.Duration) string {
	if d%(24*time.Hour) == 0 && d > 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.Round(time.Second).String()
}

// checkIssued compares what Vault issued with what was asked: Vault's
// answer is trusted only where it is exactly the request.
func checkIssued(cert *x509.Certificate, csr *x509.CertificateRequest, t pki.LeafRequest) error {
	if !pki.PublicKeysEqual(cert.PublicKey, csr.PublicKey) {
		return fmt.Errorf("%w: it certifies another key than the CSR's", ErrChanged)
	}
	if cert.Subject.CommonName != t.Subject.CommonName {
		return fmt.Errorf("%w: common name %q, asked %q", ErrChanged, cert.Subject.CommonName, t.Subject.CommonName)
	}
	if !sameStrings(cert.DNSNames, t.DNSNames) {
		return fmt.Errorf("%w: DNS names %v, asked %v", ErrChanged, cert.DNSNames, t.DNSNames)
	}
	if !sameStrings(ipStrings(cert.IPAddresses), ipStrings(t.IPAddresses)) {
		return fmt.Errorf("%w: IP addresses %v, asked %v", ErrChanged, cert.IPAddresses, t.IPAddresses)
	}
	if !sameStrings(uriStrings(cert.URIs), uriStrings(t.URIs)) {
		return fmt.Errorf("%w: URI SANs %v, asked %v", ErrChanged, cert.URIs, t.URIs)
	}
	var got []string
	for _, u := range cert.ExtKeyUsage {
		switch u {
		case x509.ExtKeyUsageServerAuth:
			got = append(got, string(pki.UsageServer))
		case x509.ExtKeyUsageClientAuth:
			got = append(got, string(pki.UsageClient))
		default:
			got = append(got, fmt.Sprintf("eku-%d", u))
		}
	}
	var want []string
	for _, u := range t.Usages {
		want = append(want, string(u))
	}
	if !sameStrings(got, want) || len(cert.UnknownExtKeyUsage) > 0 {
		return fmt.Errorf("%w: extended key usages %v, asked %v", ErrChanged, got, want)
	}
	if !t.NotAfter.IsZero() {
		if d := cert.NotAfter.Sub(t.NotAfter); d > 2*time.Minute || d < -2*time.Minute {
			return fmt.Errorf("%w: it ends %s, asked %s", ErrChanged, cert.NotAfter.UTC().Format(time.RFC3339), t.NotAfter.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

func sameStrings(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func ipStrings(ips []net.IP) []string {
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = ip.String()
	}
	return out
}

func uriStrings(us []*url.URL) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.String()
	}
	return out
}
