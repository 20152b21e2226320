package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
)

// PolicyError is an issuance-policy refusal. It names the offending input so
// a caller can point the user at the exact attribute and say how to fix it.
type PolicyError struct {
	// Attribute is the configuration attribute at fault, for example "dns_names".
	Attribute string
	// Value is the offending value as the user wrote it.
	Value string
	// Problem says what is wrong, Fix what to do about it.
	Problem string
	Fix     string
}

func (e *PolicyError) Error() string {
	msg := e.Problem
	if e.Value != "" {
		msg = fmt.Sprintf("%s = %q: %s", e.Attribute, e.Value, e.Problem)
	}
	if e.Fix != "" {
		msg += ". " + e.Fix
	}
	return msg
}

// CheckLeaf applies the issuance policy for a leaf: a TLS role is set, the
// validity is inside every CA's validity, and every SAN is inside the name
// constraints of every CA in the chain.
func CheckLeaf(iss *Issuer, req LeafRequest) error {
	if len(req.Usages) == 0 {
		return &PolicyError{Attribute: "usages", Problem: "usages is empty, so the certificate could not be used for TLS", Fix: `Set usages to ["server"], ["client"] or both`}
	}
	if req.PublicKey == nil {
		return &PolicyError{Attribute: "public_key_pem", Problem: "no public key to certify"}
	}
	if _, err := AlgorithmOf(req.PublicKey); err != nil {
		return &PolicyError{Attribute: "public_key_pem", Problem: err.Error()}
	}
	if err := checkValidity(iss, req.NotBefore, req.NotAfter); err != nil {
		return err
	}
	if err := CheckNames(iss.Chain(), req.DNSNames, req.IPAddresses, req.URIs); err != nil {
		return err
	}
	return CheckSubject(iss.Chain(), req.Subject, req.DNSNames, req.IPAddresses, req.Usages)
}

// CheckCAUnderParent applies the policy for an intermediate about to be
// signed by parent: validity inside the parent's and a path length that
// allows one more CA below the parent.
func CheckCAUnderParent(tmpl *x509.Certificate, parent *Issuer) error {
	if err := checkValidity(parent, tmpl.NotBefore, tmpl.NotAfter); err != nil {
		return err
	}
	for depth, ca := range parent.Chain() {
		if ca.MaxPathLen < 0 || (ca.MaxPathLen == 0 && !ca.MaxPathLenZero) {
			continue
		}
		if depth+1 > ca.MaxPathLen {
			return &PolicyError{
				Attribute: "parent",
				Value:     ca.Subject.String(),
				Problem:   fmt.Sprintf("CA %q has max_path_length %d, so it cannot have another CA %d level(s) below it", ca.Subject.String(), ca.MaxPathLen, depth+1),
				Fix:       "Raise max_path_length on that CA (which re-creates it) or sign this CA from a higher level",
			}
		}
	}
	return nil
}

func checkValidity(iss *Issuer, notBefore, notAfter time.Time) error {
	if !notAfter.After(notBefore) {
		return &PolicyError{Attribute: "validity", Problem: "validity: the certificate would expire before it starts", Fix: "Use a positive validity"}
	}
	for _, ca := range iss.Chain() {
		if notAfter.After(ca.NotAfter) {
			return &PolicyError{
				Attribute: "validity",
				Problem: fmt.Sprintf("validity: the certificate would end at %s and so outlive its issuer %q, which expires at %s",
					notAfter.UTC().Format(time.RFC3339), ca.Subject.String(), ca.NotAfter.UTC().Format(time.RFC3339)),
				Fix: "Shorten validity, or renew the issuer first so it outlives the certificate",
			}
		}
		if notBefore.Before(ca.NotBefore) {
			return &PolicyError{
				Attribute: "validity",
				Problem: fmt.Sprintf("validity: the certificate would start at %s, before its issuer %q is valid (%s)",
					notBefore.UTC().Format(time.RFC3339), ca.Subject.String(), ca.NotBefore.UTC().Format(time.RFC3339)),
				Fix: "Check the system clock; the issuer is not valid yet",
			}
		}
	}
	return nil
}

// CheckNames checks every SAN against the name constraints of every CA in
// chain. URI constraints follow RFC 5280 strictly (a constraint without a
// leading dot matches that host only), which is what OpenSSL enforces and is
// never looser than Go's verifier.
func CheckNames(chain []*x509.Certificate, dnsNames []string, ips []net.IP, uris []*url.URL) error {
	for _, ca := range chain {
		who := ca.Subject.String()
		for _, name := range dnsNames {
			if err := checkName("dns_names", name, who, ca.PermittedDNSDomains, ca.ExcludedDNSDomains, func(constraint string) bool { return matchDNSName(name, constraint) }); err != nil {
				return err
			}
		}
		for _, u := range uris {
			host := u.Host
			if err := checkName("spiffe_id", u.String(), who, ca.PermittedURIDomains, ca.ExcludedURIDomains, func(constraint string) bool { return matchURIHost(host, constraint) }); err != nil {
				return err
			}
		}
		for _, ip := range ips {
			if err := checkIP(ip, who, ca.PermittedIPRanges, ca.ExcludedIPRanges); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkName(attr, value, ca string, permitted, excluded []string, match func(string) bool) error {
	for _, c := range excluded {
		if match(c) {
			return &PolicyError{Attribute: attr, Value: value, Problem: fmt.Sprintf("excluded by the name constraints of CA %q (excluded %q)", ca, c), Fix: "Use a name outside the excluded constraints, or issue from a CA that allows it"}
		}
	}
	if len(permitted) == 0 {
		return nil
	}
	for _, c := range permitted {
		if match(c) {
			return nil
		}
	}
	return &PolicyError{Attribute: attr, Value: value, Problem: fmt.Sprintf("not inside the name constraints of CA %q (permitted: %s)", ca, strings.Join(permitted, ", ")), Fix: "Use a name inside the permitted constraints, or issue from a CA that allows it"}
}

func checkIP(ip net.IP, ca string, permitted, excluded []*net.IPNet) error {
	for _, n := range excluded {
		if n.Contains(ip) {
			return &PolicyError{Attribute: "ip_addresses", Value: ip.String(), Problem: fmt.Sprintf("excluded by the name constraints of CA %q (excluded %s)", ca, n), Fix: "Use an address outside the excluded ranges"}
		}
	}
	if len(permitted) == 0 {
		return nil
	}
	for _, n := range permitted {
		if n.Contains(ip) {
			return nil
		}
	}
	var ranges []string
	for _, n := range permitted {
		ranges = append(ranges, n.String())
	}
	return &PolicyError{Attribute: "ip_addresses", Value: ip.String(), Problem: fmt.Sprintf("not inside the permitted IP ranges of CA %q (%s)", ca, strings.Join(ranges, ", ")), Fix: "Use an address inside the permitted ranges"}
}

// matchDNSName implements RFC 5280 dNSName constraints: "example.com" matches
// it and every subdomain, ".example.com" only subdomains.
func matchDNSName(name, constraint string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	constraint = strings.ToLower(constraint)
	if constraint == "" {
		return true
	}
	if strings.HasPrefix(constraint, ".") {
		return strings.HasSuffix(name, constraint)
	}
	return name == constraint || strings.HasSuffix(name, "."+constraint)
}

// matchURIHost implements RFC 5280 URI constraints on the host part.
func matchURIHost(host, constraint string) bool {
	host = strings.ToLower(host)
	constraint = strings.ToLower(constraint)
	if strings.HasPrefix(constraint, ".") {
		return strings.HasSuffix(host, constraint)
	}
	return host == constraint
}

// CheckSubject applies what Java's PKIX validator and GnuTLS do with a
// subject common name under name constraints, which Go and OpenSSL do not:
// when a certificate has no DNS SAN, they read the CN as a DNS name (an IP
// literal as an IP address, in Java) and check it against the constraints.
// Java does so for every certificate with neither DNS nor IP SANs and a CN
// that parses as a host name; GnuTLS for certificates with serverAuth (the
// only place it matches the CN to a host). A CN those stacks would reject
// fails here, naming the stacks, so it fails the plan and not the first
// handshake.
func CheckSubject(chain []*x509.Certificate, subject pkix.Name, dnsNames []string, ips []net.IP, usages []Usage) error {
	cn := subject.CommonName
	if cn == "" || len(dnsNames) > 0 {
		return nil
	}
	var stacks []string
	ip := net.ParseIP(cn)
	if len(ips) == 0 && (ip != nil || validHostName(cn)) {
		stacks = append(stacks, "Java (PKIX, when a certificate has no DNS or IP SAN)")
	}
	if ip == nil && slices.Contains(usages, UsageServer) {
		stacks = append(stacks, "GnuTLS (for certificates with serverAuth)")
	}
	if len(stacks) == 0 {
		return nil
	}
	for _, ca := range chain {
		var err error
		if ip != nil {
			err = checkIP(ip, ca.Subject.String(), ca.PermittedIPRanges, ca.ExcludedIPRanges)
		} else {
			err = checkName("subject", cn, ca.Subject.String(), ca.PermittedDNSDomains, ca.ExcludedDNSDomains, func(c string) bool { return matchDNSName(cn, c) })
		}
		var pe *PolicyError
		if errors.As(err, &pe) {
			return &PolicyError{
				Attribute: "subject",
				Value:     cn,
				Problem: fmt.Sprintf("the common name is read as a host name by %s, and there it is %s; those stacks would reject the certificate",
					strings.Join(stacks, " and "), pe.Problem),
				Fix: "Leave subject unset (the default subject has no common name unless it is a DNS SAN), use a common_name inside the DNS name constraints, or add it to dns_names",
			}
		}
	}
	return nil
}

// validHostName is the host-name syntax Java's DNSName accepts: labels of
// letters, digits and '-', not starting or ending with '-'.
func validHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range l {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
