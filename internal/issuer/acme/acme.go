// Package acme is the issuer backend of any RFC 8555 (ACME) CA: Let's
// Encrypt-style public CAs, step-ca's ACME provisioner, Pebble.
//
// It is built on golang.org/x/crypto/acme, which was already in the module
// graph and speaks RFC 8555 with External Account Binding and badNonce
// retries; lego (the other well-kept client) is not served for v4, and v5
// would pull ~150 DNS-provider modules into the graph the gate shares.
// ACME Renewal Information (RFC 9773), which x/crypto/acme lacks, is the
// one unauthenticated GET in ari.go.
//
// The handle carries the directory URL, the CA bundle for its TLS, the path
// of the account key file and the account URL, the CA certificates issued
// leaves must chain to, and how challenges are solved; never the account
// key, its passphrase or the EAB secret. The account key lives in a file
// encrypted with a passphrase from CRANK_ACME_ACCOUNT_KEY_PASSPHRASE, so one
// account serves every apply (and can revoke what it issued).
package acme

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	xacme "golang.org/x/crypto/acme"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// Name is the backend's type name in handles.
const Name = "acme"

// Environment variables read wherever plan and apply run; none of them is
// ever written to configuration, plan or state.
const (
	PassphraseEnv = "CRANK_ACME_ACCOUNT_KEY_PASSPHRASE"
	EABKeyIDEnv   = "CRANK_ACME_EAB_KID"
	EABHMACEnv    = "CRANK_ACME_EAB_HMAC_KEY"
)

func init() { issuer.Register(Name, New) }

// Options are the backend's handle options.
type Options struct {
	Directory string `json:"directory"`
	// CABundle is PEM; empty means the system roots.
	CABundle        string   `json:"ca_bundle,omitempty"`
	AccountKeyFile  string   `json:"account_key_file"`
	AccountKeyFP    string   `json:"account_key_fingerprint"`
	AccountURL      string   `json:"account_url"`
	RenewalInfo     string   `json:"renewal_info,omitempty"`
	Chain           []string `json:"chain"` // issuing CA first, root last, base64 DER
	HTTP01Listen    string   `json:"http01_listen,omitempty"`
	DNS01Hook       []string `json:"dns01_hook,omitempty"`
	Usages          []string `json:"usages"`
	RevokeOnDestroy bool     `json:"revoke_on_destroy,omitempty"`
}

// Failures a user can act on, each wrapped with the details.
var (
	ErrUnreachable   = errors.New("the ACME directory is unreachable")
	ErrTLS           = errors.New("the ACME directory's TLS certificate is not trusted by ca_bundle_pem")
	ErrAccount       = errors.New("the ACME account is unusable")
	ErrEABRequired   = errors.New("the ACME CA requires External Account Binding")
	ErrRejected      = errors.New("the ACME CA refused the request")
	ErrRateLimited   = errors.New("the ACME CA rate-limited the request")
	ErrSolver        = errors.New("the ACME challenge solver failed")
	ErrNeedsCSR      = errors.New("ACME signs only certificate signing requests")
	ErrNotAsAsked    = errors.New("the ACME CA issued a certificate other than the one asked for")
	ErrWrongChain    = errors.New("the ACME CA's certificate does not chain to the configured root")
	ErrNoIdentifiers = errors.New("an ACME certificate needs at least one DNS name or IP address")
)

// Encode writes the handle.
func Encode(o Options) (string, error) { return issuer.Encode(Name, o) }

type backend struct {
	o          Options
	chain      []*x509.Certificate
	usages     []pki.Usage
	http       *http.Client
	passphrase string
}

// New builds the backend from its handle options. It does not touch the
// network or the key file: plans only need the chain.
func New(_ context.Context, opts issuer.Options) (issuer.Backend, error) {
	var o Options
	if err := issuer.DecodeOptions(Name, opts.Raw, &o); err != nil {
		return nil, err
	}
	chain, err := decodeChain(o.Chain)
	if err != nil {
		return nil, fmt.Errorf("%w: acme chain: %v", issuer.ErrBadHandle, err)
	}
	if o.Directory == "" || o.AccountKeyFile == "" || o.AccountURL == "" || (o.HTTP01Listen == "") == (len(o.DNS01Hook) == 0) {
		return nil, fmt.Errorf("%w: the acme handle lacks its directory, account or challenge solver", issuer.ErrBadHandle)
	}
	hc, err := httpClient(o.CABundle)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", issuer.ErrBadHandle, err)
	}
	b := &backend{o: o, chain: chain, http: hc, passphrase: opts.Getenv(PassphraseEnv)}
	for _, u := range o.Usages {
		b.usages = append(b.usages, pki.Usage(u))
	}
	return b, nil
}

func decodeChain(in []string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, s := range in {
		der, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, err
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no CA certificate")
	}
	root := out[len(out)-1]
	if err := root.CheckSignatureFrom(root); err != nil {
		return nil, fmt.Errorf("the last certificate (%s) is not a self-signed root", root.Subject)
	}
	return out, nil
}

// httpClient trusts bundle (PEM) for the directory's TLS, or the system
// roots when bundle is empty.
func httpClient(bundle string) (*http.Client, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if bundle != "" {
		certs, err := pki.ParseCertsPEM(bundle)
		if err != nil || len(certs) == 0 {
			return nil, fmt.Errorf("ca_bundle_pem holds no readable certificate: %v", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		for _, c := range certs {
			cfg.RootCAs.AddCert(c)
		}
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg, Proxy: http.ProxyFromEnvironment}}, nil
}

// CAChain is the configured issuing CA and root, from the handle.
func (b *backend) CAChain(context.Context) (*issuer.CAChainResponse, error) {
	return &issuer.CAChainResponse{Cert: b.chain[0], Parents: b.chain[1:]}, nil
}

// Fields: an ACME order names only DNS and IP identifiers (RFC 8555 7.1.3,
// RFC 8738) and may carry notBefore/notAfter. URI SANs (a SPIFFE ID) have
// no identifier type, and Pebble, Let's Encrypt and step-ca all refuse or
// drop them. The subject and usages are the CA's profile: CheckRequest
// admits only what the profile writes.
func (b *backend) Fields() []issuer.Field {
	return []issuer.Field{issuer.FieldSubject, issuer.FieldDNSNames, issuer.FieldIPAddresses, issuer.FieldUsages, issuer.FieldValidity}
}

// CheckRequest refuses what the CA would write differently: a subject other
// than the default common name (the first DNS name, which CAs copy or omit
// and TLS clients ignore in favour of the SAN, RFC 9525), usages other than
// the CA's profile, and a request with no identifier.
func (b *backend) CheckRequest(r pki.LeafRequest) error {
	if len(r.DNSNames)+len(r.IPAddresses) == 0 {
		return fmt.Errorf("%w: set dns_names or ip_addresses", ErrNoIdentifiers)
	}
	if len(r.URIs) > 0 {
		return fmt.Errorf("%w. ACME has no identifier for a URI: set include_spiffe_id = false on the certificate", &issuer.FieldError{Backend: Name, Field: issuer.FieldURIs})
	}
	if !isDefaultSubject(r) {
		return fmt.Errorf("%w. ACME CAs write at most the first DNS name as common name: remove the subject block", &issuer.FieldError{Backend: Name, Field: issuer.FieldSubject})
	}
	if !sameUsages(r.Usages, b.usages) {
		return fmt.Errorf("%w %v. This CA's profile writes usages %v (crank_acme_issuer.usages): set usages = %v on the certificate, or correct usages on the issuer if the CA writes others", &issuer.FieldError{Backend: Name, Field: issuer.FieldUsages}, r.Usages, b.usages, b.usages)
	}
	return nil
}

func isDefaultSubject(r pki.LeafRequest) bool {
	s := r.Subject
	empty := len(s.Country)+len(s.Organization)+len(s.OrganizationalUnit)+len(s.Locality)+len(s.Province)+len(s.StreetAddress)+len(s.PostalCode)+len(s.ExtraNames) == 0 && s.SerialNumber == ""
	return empty && (s.CommonName == "" || (len(r.DNSNames) > 0 && s.CommonName == r.DNSNames[0]))
}

func sameUsages(a, b []pki.Usage) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// RevokesOnDestroy says whether destroying a certificate revokes it.
func (b *backend) RevokesOnDestroy() bool { return b.o.RevokeOnDestroy }

func (b *backend) client(ctx context.Context) (*xacme.Client, error) {
	key, err := loadAccountKey(b.o.AccountKeyFile, b.passphrase, b.o.AccountKeyFP)
	if err != nil {
		return nil, err
	}
	return &xacme.Client{Key: key, DirectoryURL: b.o.Directory, HTTPClient: b.http, KID: xacme.KeyID(b.o.AccountURL), UserAgent: "crank"}, nil
}

// Sign runs one order: identifiers from the request, each authorization
// solved by the configured solver (which listens only while the order is
// pending), the CSR finalized, and the result checked against what was
// asked before anyone sees it.
func (b *backend) Sign(ctx context.Context, req *issuer.SignRequest) (*issuer.SignResponse, error) {
	if req.CSR == nil {
		return nil, fmt.Errorf("%w: this certificate names only a public key (public_key_pem or public_key_pem_wo), so there is no CSR to send; let crank_certificate generate the key, or supply csr_pem", ErrNeedsCSR)
	}
	if err := b.CheckRequest(req.Template); err != nil {
		return nil, err
	}
	if err := csrMatches(req.CSR, req.Template); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	c, err := b.client(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := c.Discover(ctx); err != nil {
		return nil, b.wrap(err, "reading the directory")
	}
	ids := xacme.DomainIDs(req.Template.DNSNames...)
	for _, ip := range req.Template.IPAddresses {
		ids = append(ids, xacme.IPIDs(ip.String())...)
	}
	var opts []xacme.OrderOption
	if !req.Template.NotAfter.IsZero() {
		opts = append(opts, xacme.WithOrderNotBefore(req.Template.NotBefore), xacme.WithOrderNotAfter(req.Template.NotAfter))
	}
	order, err := c.AuthorizeOrder(ctx, ids, opts...)
	if err != nil {
		return nil, b.wrap(err, "creating the order")
	}
	if err := b.authorize(ctx, c, order.AuthzURLs); err != nil {
		return nil, err
	}
	if _, err := c.WaitOrder(ctx, order.URI); err != nil {
		return nil, b.wrap(err, "waiting for the order")
	}
	ders, _, err := c.CreateOrderCert(ctx, order.FinalizeURL, req.CSR.Raw, true)
	var urlErr *url.Error
	if errors.As(err, &urlErr) && urlErr.URL == "" {
		// RFC 8555 7.4 answers finalize with the order but no Location
		// header, and x/crypto/acme polls that missing URL while the order
		// is "processing" (Pebble does this): poll the order's own URL.
		var done *xacme.Order
		if done, err = c.WaitOrder(ctx, order.URI); err == nil {
			ders, err = c.FetchCert(ctx, done.CertURL, true)
		}
	}
	if err != nil {
		return nil, b.wrap(err, "finalizing the order")
	}
	return b.checkIssued(ders, req)
}

// csrMatches: ACME sends the CSR as it is, and CAs refuse one whose names
// differ from the order's, so a supplied CSR must name exactly what the
// resource asks for.
func csrMatches(csr *x509.CertificateRequest, r pki.LeafRequest) error {
	if err := csr.CheckSignature(); err != nil {
		return fmt.Errorf("%w: the CSR's signature does not verify: %v", ErrNeedsCSR, err)
	}
	if !sameStrings(csr.DNSNames, r.DNSNames) || !sameStrings(ipStrings(csr.IPAddresses), ipStrings(r.IPAddresses)) || len(csr.URIs) > 0 {
		return fmt.Errorf("%w: the CSR names DNS %v, IP %v, URI %v but the certificate asks for DNS %v, IP %v. An ACME CA signs the CSR's names, so make the CSR with exactly dns_names and ip_addresses (and no URI SAN)",
			ErrNeedsCSR, csr.DNSNames, csr.IPAddresses, csr.URIs, r.DNSNames, r.IPAddresses)
	}
	return nil
}

func ipStrings(ips []net.IP) []string {
	out := make([]string, 0, len(ips))
	for _, ip := range ips {
		out = append(out, ip.String())
	}
	return out
}

func sameStrings(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	for i := range x {
		x[i] = strings.ToLower(x[i])
	}
	for i := range y {
		y[i] = strings.ToLower(y[i])
	}
	sort.Strings(x)
	sort.Strings(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// checkIssued refuses a certificate that is not exactly what was asked:
// another key, other names, other usages, another validity, or a chain to
// another root. Fail secure: a CA that drops a field yields an error, not
// a certificate quietly different from the configuration.
func (b *backend) checkIssued(ders [][]byte, req *issuer.SignRequest) (*issuer.SignResponse, error) {
	if len(ders) == 0 {
		return nil, fmt.Errorf("%w: it returned no certificate", ErrRejected)
	}
	var certs []*x509.Certificate
	for _, d := range ders {
		c, err := x509.ParseCertificate(d)
		if err != nil {
			return nil, fmt.Errorf("%w: its certificate chain is unreadable: %v", ErrRejected, err)
		}
		certs = append(certs, c)
	}
	leaf := certs[0]
	if !pki.PublicKeysEqual(leaf.PublicKey, req.CSR.PublicKey) {
		return nil, fmt.Errorf("%w: it certifies another key than the CSR's", ErrNotAsAsked)
	}
	t := req.Template
	switch {
	case !sameStrings(leaf.DNSNames, t.DNSNames) || !sameStrings(ipStrings(leaf.IPAddresses), ipStrings(t.IPAddresses)):
		return nil, fmt.Errorf("%w: it names DNS %v, IP %v; asked DNS %v, IP %v", ErrNotAsAsked, leaf.DNSNames, leaf.IPAddresses, t.DNSNames, t.IPAddresses)
	case leaf.Subject.CommonName != "" && (len(t.DNSNames) == 0 || !strings.EqualFold(leaf.Subject.CommonName, t.DNSNames[0])) && net.ParseIP(leaf.Subject.CommonName) == nil:
		return nil, fmt.Errorf("%w: its common name is %q", ErrNotAsAsked, leaf.Subject.CommonName)
	case !sameUsages(pki.UsagesOf(leaf), b.usages):
		return nil, fmt.Errorf("%w: its usages are %v, the issuer's usages say %v. Set usages on crank_acme_issuer to what this CA writes", ErrNotAsAsked, pki.UsagesOf(leaf), b.usages)
	case !t.NotAfter.IsZero() && absDuration(leaf.NotAfter.Sub(t.NotAfter)) > time.Minute:
		return nil, fmt.Errorf("%w: it expires at %s, asked %s. This CA does not honour the order's notAfter; set validity to the CA's own lifetime", ErrNotAsAsked, leaf.NotAfter.UTC().Format(time.RFC3339), t.NotAfter.UTC().Format(time.RFC3339))
	}
	root := b.chain[len(b.chain)-1]
	roots := x509.NewCertPool()
	roots.AddCert(root)
	inter := x509.NewCertPool()
	for _, c := range certs[1:] {
		inter.AddCert(c)
	}
	chains, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: leaf.NotBefore.Add(time.Second), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err != nil {
		return nil, fmt.Errorf("%w (%s): %v. Check issuer_chain_pem against the CA's current root", ErrWrongChain, root.Subject, err)
	}
	path := chains[0]
	if !bytes.Equal(path[1].Raw, b.chain[0].Raw) {
		return nil, fmt.Errorf("%w: it was signed by %q, but issuer_chain_pem names %q as the issuing CA. Put the CA's current issuing certificate first in issuer_chain_pem", ErrWrongChain, path[1].Subject, b.chain[0].Subject)
	}
	var intermediates []*x509.Certificate
	if len(path) > 2 {
		intermediates = path[1 : len(path)-1]
	}
	return &issuer.SignResponse{Certificate: leaf, Intermediates: intermediates, Root: root}, nil
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// Revoke sends revokeCert signed by the account that ordered the
// certificate. A certificate already revoked counts as revoked.
func (b *backend) Revoke(ctx context.Context, req *issuer.RevokeRequest) (*issuer.RevokeResponse, error) {
	if req.Certificate == nil {
		return nil, &issuer.UnsupportedError{Backend: Name, Operation: "revoke by serial alone", Hint: "ACME revokeCert takes the certificate itself"}
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	c, err := b.client(ctx)
	if err != nil {
		return nil, err
	}
	if err := c.RevokeCert(ctx, nil, req.Certificate.Raw, xacme.CRLReasonCode(req.Reason)); err != nil {
		return nil, b.wrap(err, "revoking the certificate")
	}
	return &issuer.RevokeResponse{}, nil
}

// wrap maps a client failure to the error a user acts on, keeping the
// server's problem document (type, detail, subproblems) in the message.
func (b *backend) wrap(err error, doing string) error {
	return wrapErr(err, b.o.Directory, doing)
}

func wrapErr(err error, dir, doing string) error {
	for _, ours := range []error{ErrUnreachable, ErrTLS, ErrAccount, ErrEABRequired, ErrRejected, ErrRateLimited, ErrSolver} {
		if errors.Is(err, ours) {
			return err
		}
	}
	var certErr *tls.CertificateVerificationError
	var ae *xacme.Error
	var authzErr *xacme.AuthorizationError
	var orderErr *xacme.OrderError
	var netErr net.Error
	switch {
	case errors.As(err, &certErr):
		return fmt.Errorf("%w (%s): %v. Set ca_bundle_pem to the root that signed the directory's TLS certificate", ErrTLS, dir, certErr.Err)
	case errors.As(err, &ae):
		if d, ok := xacme.RateLimit(err); ok {
			return fmt.Errorf("%w while %s: %s. Retry after %s", ErrRateLimited, doing, problem(ae), d)
		}
		if strings.HasSuffix(ae.ProblemType, ":externalAccountRequired") {
			return fmt.Errorf("%w: %s. Set %s and %s to the key id and HMAC key the CA gave you", ErrEABRequired, problem(ae), EABKeyIDEnv, EABHMACEnv)
		}
		return fmt.Errorf("%w while %s: %s", ErrRejected, doing, problem(ae))
	case errors.As(err, &authzErr):
		var parts []string
		for _, e := range authzErr.Errors {
			if ae, ok := e.(*xacme.Error); ok {
				parts = append(parts, problem(ae))
			} else {
				parts = append(parts, e.Error())
			}
		}
		return fmt.Errorf("%w: the authorization of %q failed: %s", ErrRejected, authzErr.Identifier, strings.Join(parts, "; "))
	case errors.As(err, &orderErr):
		return fmt.Errorf("%w while %s: the order became %s", ErrRejected, doing, orderErr.Status)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w while %s: no answer in time from %s", ErrUnreachable, doing, dir)
	case errors.As(err, &netErr):
		return fmt.Errorf("%w (%s) while %s: %v. Check directory_url and that the CA is running", ErrUnreachable, dir, doing, err)
	}
	return fmt.Errorf("%w while %s: %v", ErrRejected, doing, err)
}

// problem renders an RFC 7807 problem document with its subproblems.
func problem(ae *xacme.Error) string {
	msg := fmt.Sprintf("%s (HTTP %d): %s", ae.ProblemType, ae.StatusCode, ae.Detail)
	for _, s := range ae.Subproblems {
		id := ""
		if s.Identifier != nil {
			id = s.Identifier.Value + ": "
		}
		msg += fmt.Sprintf("; %s%s: %s", id, s.Type, s.Detail)
	}
	return msg
}
