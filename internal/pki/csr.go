package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"
)

// An intermediate whose parent is outside crank (an offline root in a safe,
// another team's CA) is made in two steps: its key and CSR here, its
// certificate there. The CSR asks for the CA extensions crank would write, so
// `openssl x509 -req -copy_extensions copyall` or `openssl ca` with
// copy_extensions reproduce them; crank then checks what came back.

// The extensions an external parent is asked to copy into the certificate.
var csrCopiedExtensions = []asn1.ObjectIdentifier{
	{2, 5, 29, 19},              // basicConstraints
	{2, 5, 29, 15},              // keyUsage
	{2, 5, 29, 30},              // nameConstraints
	{2, 5, 29, 14},              // subjectKeyIdentifier
	{2, 5, 29, 31},              // cRLDistributionPoints
	{1, 3, 6, 1, 5, 5, 7, 1, 1}, // authorityInfoAccess
}

// CreateCACSR makes the CSR of a CA to be signed by an external parent. The
// extensions are those CreateCA writes, taken from a self-signed draft made
// with the same key and request, so the two can never drift apart.
func CreateCACSR(req CARequest) (*x509.CertificateRequest, error) {
	draft, err := CreateCA(req, nil)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.CertificateRequest{Subject: req.Subject}
	for _, e := range draft.Cert.Extensions {
		if slices.ContainsFunc(csrCopiedExtensions, e.Id.Equal) {
			tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, e)
		}
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, req.Key)
	if err != nil {
		return nil, fmt.Errorf("signing the CSR: %w", err)
	}
	return x509.ParseCertificateRequest(der)
}

// Why a certificate signed elsewhere cannot become an issuer. Each is wrapped
// with the details, and says how to sign it again.
var (
	ErrSignedForOtherKey = errors.New("the signed certificate certifies a different key than this CA's CSR")
	ErrSignedNotCA       = errors.New("the signed certificate is not a CA certificate")
	ErrSignedConstraints = errors.New("the signed certificate's CA constraints differ from this CA's configuration")
	ErrSignedChain       = errors.New("the signed certificate does not chain to a self-signed root through the given chain")
	ErrSignedExpired     = errors.New("the signed certificate is not valid now")
	ErrSignedSubject     = errors.New("the signed certificate's subject differs from the CSR's")
	resignHint           = "Sign csr_pem again as a CA, for example `openssl x509 -req -in ca.csr -CA root.pem -CAkey root.key -copy_extensions copyall -days 1825 -out ca.pem`, which copies the CA extensions the CSR asks for"
)

// CheckSignedCA checks that cert, signed elsewhere for a CSR of key and req,
// is the CA req describes, and that parents (nearest first, ending with the
// self-signed root) chain it to a root. Nothing here needs the private key,
// so it runs at plan time.
func CheckSignedCA(req CARequest, key crypto.PublicKey, cert *x509.Certificate, parents []*x509.Certificate, now time.Time) error {
	if !PublicKeysEqual(cert.PublicKey, key) {
		got, _ := PublicKeyFingerprint(cert.PublicKey)
		want, _ := PublicKeyFingerprint(key)
		return fmt.Errorf("%w: it is for key %s, the CSR's key is %s. Sign this CA's csr_pem, not another CSR", ErrSignedForOtherKey, got, want)
	}
	if cert.Subject.CommonName != req.Subject.CommonName {
		return fmt.Errorf("%w: common name %q, configured %q. Sign the CSR with its own subject (openssl x509 -req keeps it; openssl ca needs a policy that does not rewrite it)", ErrSignedSubject, cert.Subject.CommonName, req.Subject.CommonName)
	}
	if !cert.BasicConstraintsValid || !cert.IsCA {
		return fmt.Errorf("%w (basicConstraints CA:FALSE or missing), so it cannot sign certificates. %s", ErrSignedNotCA, resignHint)
	}
	if cert.KeyUsage&x509.KeyUsageCertSign == 0 {
		return fmt.Errorf("%w: it lacks the keyCertSign key usage. %s", ErrSignedNotCA, resignHint)
	}
	if err := sameConstraints(req, cert); err != nil {
		return fmt.Errorf("%w: %v. %s", ErrSignedConstraints, err, resignHint)
	}
	if len(parents) == 0 {
		return fmt.Errorf("%w: signed_chain_pem is empty. Give the certificates above this CA, nearest first, ending with the root", ErrSignedChain)
	}
	root := parents[len(parents)-1]
	if err := root.CheckSignatureFrom(root); err != nil {
		return fmt.Errorf("%w: the last certificate of the chain (%s) is not a self-signed root. End signed_chain_pem with the root", ErrSignedChain, root.Subject)
	}
	roots := x509.NewCertPool()
	roots.AddCert(root)
	inter := x509.NewCertPool()
	for _, p := range parents[:len(parents)-1] {
		inter.AddCert(p)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: cert.NotBefore.Add(time.Second), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return fmt.Errorf("%w: %v. Give the certificates above this CA in signed_chain_pem, nearest first, ending with the root that signed it", ErrSignedChain, err)
	}
	if now.Before(cert.NotBefore) || now.After(cert.NotAfter) {
		return fmt.Errorf("%w: it is valid from %s to %s", ErrSignedExpired, cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339))
	}
	return nil
}

// sameConstraints compares what limits the CA with what was asked: a CA the
// parent signed with looser limits would let crank's plan-time policy and
// TLS clients disagree, one with tighter limits would refuse what the
// configuration promises. Both are errors.
func sameConstraints(req CARequest, cert *x509.Certificate) error {
	got := cert.MaxPathLen
	if got == 0 && !cert.MaxPathLenZero {
		got = -1
	}
	want := req.MaxPathLength
	if want < 0 {
		want = -1
	}
	if got != want {
		return fmt.Errorf("path length %s, configured max_path_length = %d", pathLen(got), req.MaxPathLength)
	}
	nc := req.NameConstraints
	for _, c := range []struct {
		attr      string
		got, want []string
	}{
		{"permitted_dns_domains", cert.PermittedDNSDomains, nc.PermittedDNS},
		{"excluded_dns_domains", cert.ExcludedDNSDomains, nc.ExcludedDNS},
		{"permitted_uri_domains", cert.PermittedURIDomains, nc.PermittedURIDomain},
		{"excluded_uri_domains", cert.ExcludedURIDomains, nc.ExcludedURIDomain},
		{"permitted_ip_ranges", ipNets(cert.PermittedIPRanges), ipNets(nc.PermittedIPRanges)},
		{"excluded_ip_ranges", ipNets(cert.ExcludedIPRanges), ipNets(nc.ExcludedIPRanges)},
	} {
		if !sameSet(c.got, c.want) {
			return fmt.Errorf("name constraint %s is [%s], configured [%s]", c.attr, strings.Join(c.got, ", "), strings.Join(c.want, ", "))
		}
	}
	return nil
}

func pathLen(n int) string {
	if n < 0 {
		return "unlimited"
	}
	return fmt.Sprint(n)
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func ipNets(ns []*net.IPNet) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.String()
	}
	return out
}
