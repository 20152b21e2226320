// Package vault is the issuer backend of HashiCorp Vault's PKI secrets
// engine (and OpenBao's, which speaks the same API), through the official
// client library github.com/hashicorp/vault/api.
//
// Certificates are issued only through pki/sign/<role> (or
// pki/issuer/<ref>/sign/<role>) with a CSR for a key crank made, so the
// private key never passes through Vault. The handle carries what the plan
// needs without the network: Vault's address and the CA bundle for its TLS,
// the mount, role and issuer, the issuing chain and a snapshot of the role's
// settings (so every plan-time check runs against what Vault will enforce).
// It never carries a token, a role ID or a secret ID: those come from the
// provider configuration or the environment wherever plan and apply run.
package vault

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	vaultapi "github.com/hashicorp/vault/api"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// Name is the backend's type name in handles.
const Name = "vault"

// The credentials never go into a handle; these are the names the provider
// looks them up by (its own configuration first, then the environment).
const (
	// TokenEnv is the Vault CLI's own variable.
	TokenEnv = "VAULT_TOKEN"
	// RoleIDEnv and SecretIDEnv are an AppRole's credentials.
	RoleIDEnv   = "CRANK_VAULT_ROLE_ID"
	SecretIDEnv = "CRANK_VAULT_SECRET_ID"
)

// Authentication methods a handle can name. Others (Kubernetes, JWT, TLS
// certificates) plug in as another case of login: each ends in a token.
const (
	AuthToken   = "token"
	AuthAppRole = "approle"
)

// AuthMethods lists the accepted values of auth_method.
func AuthMethods() []string { return []string{AuthToken, AuthAppRole} }

func init() { issuer.Register(Name, New) }

// Options are the backend's handle options.
type Options struct {
	Address   string `json:"address"`
	CACertPEM string `json:"ca_cert_pem,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Mount     string `json:"mount"`
	Role      string `json:"role"`
	// IssuerRef, when set, signs through pki/issuer/<ref>/sign/<role>;
	// otherwise the role's issuer (by default the mount's default) signs.
	IssuerRef string `json:"issuer_ref,omitempty"`
	// IssuerID is the id of the issuer that signs, as resolved when the
	// handle was made: where its CRL is.
	IssuerID     string `json:"issuer_id"`
	AuthMethod   string `json:"auth_method"`
	AppRoleMount string `json:"approle_mount,omitempty"`
	// RevokeOnDestroy opts certificates of this issuer into pki/revoke when
	// they are destroyed or replaced.
	RevokeOnDestroy bool `json:"revoke_on_destroy,omitempty"`
	// Chain is the issuing CA first and its parents after, base64 DER, as
	// Vault reported it when the handle was made.
	Chain []string `json:"chain"`
	// RoleSettings is the role as Vault reported it when the handle was made.
	RoleSettings Role `json:"role_settings"`
}

// Failures a user can act on, each wrapped with the details and Vault's own
// words where it gave any.
var (
	ErrUnreachable   = errors.New("Vault is unreachable")
	ErrTLS           = errors.New("Vault's TLS certificate does not verify")
	ErrSealed        = errors.New("Vault is sealed")
	ErrForbidden     = errors.New("Vault refused the credentials (HTTP 403 permission denied)")
	ErrNoCredentials = errors.New("no Vault credentials")
	ErrUnknownMount  = errors.New("no PKI secrets engine is mounted at that path")
	ErrUnknownRole   = errors.New("the PKI mount has no role with that name")
	ErrUnknownIssuer = errors.New("the PKI mount has no issuer with that reference")
	ErrRefused       = errors.New("Vault refused the request")
	ErrChanged       = errors.New("Vault issued a certificate that differs from the request")
	ErrNeedsCSR      = errors.New("Vault's PKI signs only certificate signing requests here")
	ErrRoleNoStore   = errors.New("the role does not store certificates, so Vault cannot revoke them")
)

// Config is what a client is built from: the non-secret part of a handle,
// and a lookup for the credentials.
type Config struct {
	Address      string
	CACertPEM    string
	Namespace    string
	AuthMethod   string
	AppRoleMount string
	Getenv       func(string) string
}

// tokens caches the token an AppRole login returned, per Vault and role ID,
// so a plan over many certificates logs in once. It lives only in memory.
var tokens sync.Map

// Client is an authenticated Vault API client with crank's error mapping.
type Client struct {
	api *vaultapi.Client
	cfg Config
	// cached is the tokens key of an AppRole token taken from the cache,
	// which may have expired since: a 403 then logs in again once.
	cached string
}

// NewClient builds a client verified against CACertPEM (the system roots
// when empty). The Vault library's own environment (VAULT_ADDR,
// VAULT_CACERT, VAULT_SKIP_VERIFY, ...) is deliberately not read: the
// handle says where Vault is and how to verify it, and no variable can
// quietly turn verification off.
func NewClient(ctx context.Context, cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.Address)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("address %q is not a Vault URL such as https://vault.internal:8200", cfg.Address)
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if strings.TrimSpace(cfg.CACertPEM) != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(cfg.CACertPEM)) {
			return nil, fmt.Errorf("ca_cert_pem holds no PEM certificate; give the CA that signed Vault's TLS certificate")
		}
		tlsCfg.RootCAs = pool
	}
	transport := &http.Transport{TLSClientConfig: tlsCfg, Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: 8, IdleConnTimeout: 30 * time.Second}
	apiCfg := &vaultapi.Config{
		Address:    strings.TrimRight(cfg.Address, "/"),
		HttpClient: &http.Client{Transport: transport, Timeout: 30 * time.Second},
		Timeout:    30 * time.Second,
		// One retry rides out a blip; a sealed or refusing Vault answers the
		// same the second time, so more only delays the diagnostic.
		MaxRetries: 1,
	}
	c, err := vaultapi.NewClient(apiCfg)
	if err != nil {
		return nil, err
	}
	c.ClearToken()
	if cfg.Namespace != "" {
		c.SetNamespace(cfg.Namespace)
	} else {
		c.ClearNamespace()
	}
	cl := &Client{api: c, cfg: cfg}
	if err := cl.login(ctx); err != nil {
		return nil, err
	}
	return cl, nil
}

// login sets the token: given directly, or from an AppRole login.
func (c *Client) login(ctx context.Context) error {
	getenv := c.cfg.Getenv
	switch c.cfg.AuthMethod {
	case AuthToken, "":
		tok := getenv(TokenEnv)
		if tok == "" {
			return fmt.Errorf("%w: auth_method is %q and no token is set. Set token in the provider's vault block or the %s environment variable wherever plan and apply run", ErrNoCredentials, AuthToken, TokenEnv)
		}
		c.api.SetToken(tok)
		return nil
	case AuthAppRole:
		roleID, secretID := getenv(RoleIDEnv), getenv(SecretIDEnv)
		if roleID == "" || secretID == "" {
			return fmt.Errorf("%w: auth_method is %q and the role ID or secret ID is missing. Set approle_role_id and approle_secret_id in the provider's vault block, or %s and %s, wherever plan and apply run", ErrNoCredentials, AuthAppRole, RoleIDEnv, SecretIDEnv)
		}
		mount := c.cfg.AppRoleMount
		if mount == "" {
			mount = "approle"
		}
		key := strings.Join([]string{c.cfg.Address, c.cfg.Namespace, mount, roleID, secretID}, "\x00")
		if tok, ok := tokens.Load(key); ok {
			c.api.SetToken(tok.(string))
			c.cached = key
			return nil
		}
		s, err := c.api.Logical().WriteWithContext(ctx, "auth/"+strings.Trim(mount, "/")+"/login", map[string]any{"role_id": roleID, "secret_id": secretID})
		if err != nil {
			return c.mapErr(err, "AppRole login at auth/"+mount)
		}
		if s == nil || s.Auth == nil || s.Auth.ClientToken == "" {
			return fmt.Errorf("%w: the AppRole login at auth/%s returned no token", ErrRefused, mount)
		}
		tokens.Store(key, s.Auth.ClientToken)
		c.api.SetToken(s.Auth.ClientToken)
		c.cached = ""
		return nil
	}
	return fmt.Errorf("auth_method %q is not one of %s", c.cfg.AuthMethod, strings.Join(AuthMethods(), ", "))
}

// mapErr turns a client error into one of the named failures.
func (c *Client) mapErr(err error, what string) error {
	var re *vaultapi.ResponseError
	if errors.As(err, &re) {
		msg := strings.Join(re.Errors, "; ")
		switch {
		case re.StatusCode == http.StatusServiceUnavailable && strings.Contains(strings.ToLower(msg), "sealed"):
			return fmt.Errorf("%w (%s at %s): %s. Unseal it (vault operator unseal) and plan again", ErrSealed, what, c.cfg.Address, msg)
		case re.StatusCode == http.StatusForbidden:
			return fmt.Errorf("%w (%s): %s. The token may be wrong, expired or revoked, or its policy does not grant this path; check the credentials (%s, or the AppRole's) and the policy", ErrForbidden, what, msg, TokenEnv)
		case re.StatusCode == http.StatusNotFound && strings.Contains(msg, "no handler for route"):
			return fmt.Errorf("%w (%s): %s. Check mount (vault secrets list)", ErrUnknownMount, what, msg)
		}
		return fmt.Errorf("%w (%s, HTTP %d): %s", ErrRefused, what, re.StatusCode, msg)
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return fmt.Errorf("%w (%s at %s): %v. Set ca_cert_pem to the CA that signed Vault's TLS certificate (for a -dev-tls server, its vault-ca.pem)", ErrTLS, what, c.cfg.Address, err)
	case strings.Contains(err.Error(), "http: server gave HTTP response to HTTPS client"):
		return fmt.Errorf("%w (%s at %s): Vault answers plain HTTP; use an http:// address only for a local dev server", ErrUnreachable, what, c.cfg.Address)
	}
	var netErr net.Error
	if errors.As(err, &netErr) || strings.Contains(err.Error(), "connection refused") {
		return fmt.Errorf("%w at %s (%s): %v. Check the address and that Vault is running", ErrUnreachable, c.cfg.Address, what, err)
	}
	return fmt.Errorf("%w at %s (%s): %v", ErrUnreachable, c.cfg.Address, what, err)
}

// read is a GET with the error mapping. A nil secret is a 404 for a path
// the mount does not have (an unknown role); a 404 for a mount that does not
// exist is ErrUnknownMount. Logical().Read folds both into nil, so the raw
// answer is read here.
func (c *Client) read(ctx context.Context, path string) (*vaultapi.Secret, error) {
	s, err := c.readOnce(ctx, path)
	if c.relogin(ctx, err) {
		return c.readOnce(ctx, path)
	}
	return s, err
}

func (c *Client) readOnce(ctx context.Context, path string) (*vaultapi.Secret, error) {
	resp, err := c.api.Logical().ReadRawWithContext(ctx, path)
	if resp != nil {
		defer resp.Body.Close()
	}
	var re *vaultapi.ResponseError
	if errors.As(err, &re) && re.StatusCode == http.StatusNotFound {
		if strings.Contains(strings.Join(re.Errors, " "), "no handler for route") {
			return nil, c.mapErr(err, "read "+path)
		}
		return nil, nil
	}
	if err != nil {
		return nil, c.mapErr(err, "read "+path)
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil, nil
	}
	s, err := vaultapi.ParseSecret(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%w (read %s): the answer is unreadable: %v", ErrRefused, path, err)
	}
	return s, nil
}

// relogin drops a cached AppRole token that Vault refused (it expired or
// was revoked during a long run) and logs in again; false when the token
// was not from the cache, so the 403 stands.
func (c *Client) relogin(ctx context.Context, err error) bool {
	if c.cached == "" || !errors.Is(err, ErrForbidden) {
		return false
	}
	tokens.Delete(c.cached)
	c.cached = ""
	return c.login(ctx) == nil
}

func (c *Client) write(ctx context.Context, path string, data map[string]any) (*vaultapi.Secret, error) {
	s, err := c.api.Logical().WriteWithContext(ctx, path, data)
	if err != nil {
		err = c.mapErr(err, "write "+path)
		if !c.relogin(ctx, err) {
			return nil, err
		}
		if s, err = c.api.Logical().WriteWithContext(ctx, path, data); err != nil {
			return nil, c.mapErr(err, "write "+path)
		}
	}
	if s == nil {
		return nil, fmt.Errorf("%w (write %s): empty answer", ErrRefused, path)
	}
	return s, nil
}

// decode re-reads a secret's data into a typed struct.
func decode(data map[string]any, into any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, into)
}

func b64(c *x509.Certificate) string { return base64.StdEncoding.EncodeToString(c.Raw) }

func parseB64(s string) (*x509.Certificate, error) {
	der, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// Encode writes the handle.
func Encode(o Options) (string, error) { return issuer.Encode(Name, o) }

// ChainOf returns the certificates of a handle's chain, issuing CA first.
func ChainOf(o Options) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, s := range o.Chain {
		c, err := parseB64(s)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

type backend struct {
	o      Options
	chain  []*x509.Certificate
	getenv func(string) string

	once   sync.Once
	client *Client
	err    error
}

var (
	_ issuer.Backend         = (*backend)(nil)
	_ issuer.RequestChecker  = (*backend)(nil)
	_ issuer.RevokeOnDestroy = (*backend)(nil)
	_ issuer.CRLPublisher    = (*backend)(nil)
)

// New builds the backend from its handle options. It does not contact
// Vault: plans read the chain and the role from the handle.
func New(_ context.Context, opts issuer.Options) (issuer.Backend, error) {
	var o Options
	if err := issuer.DecodeOptions(Name, opts.Raw, &o); err != nil {
		return nil, err
	}
	if o.Address == "" || o.Mount == "" || o.Role == "" {
		return nil, fmt.Errorf("%w: a vault handle needs address, mount and role", issuer.ErrBadHandle)
	}
	chain, err := ChainOf(o)
	if err != nil || len(chain) == 0 {
		return nil, fmt.Errorf("%w: the vault handle's CA chain is damaged or empty", issuer.ErrBadHandle)
	}
	return &backend{o: o, chain: chain, getenv: opts.Getenv}, nil
}

func (b *backend) conn(ctx context.Context) (*Client, error) {
	b.once.Do(func() {
		b.client, b.err = NewClient(ctx, Config{Address: b.o.Address, CACertPEM: b.o.CACertPEM, Namespace: b.o.Namespace, AuthMethod: b.o.AuthMethod, AppRoleMount: b.o.AppRoleMount, Getenv: b.getenv})
	})
	return b.client, b.err
}

// CAChain is the issuing CA and its parents from the handle.
func (b *backend) CAChain(context.Context) (*issuer.CAChainResponse, error) {
	return &issuer.CAChainResponse{Cert: b.chain[0], Parents: b.chain[1:]}, nil
}

// Fields: pki/sign writes the common name, the SANs and the TTL asked for,
// and the role decides the rest; CheckRequest refuses what the role would
// write differently.
func (b *backend) Fields() []issuer.Field { return issuer.AllFields() }

// CheckRequest runs the role's checks on the request, from the handle.
func (b *backend) CheckRequest(r pki.LeafRequest) error {
	return b.o.RoleSettings.Check(b.o.Role, r, b.chain[0])
}

// signPath names the issuer the plan checked against, by id: a default
// issuer that changed between plan and apply must not sign instead (the
// next plan shows the rotation and re-issues).
func (b *backend) signPath() string {
	mount := strings.Trim(b.o.Mount, "/")
	ref := b.o.IssuerID
	if ref == "" {
		ref = b.o.IssuerRef
	}
	if ref != "" {
		return mount + "/issuer/" + url.PathEscape(ref) + "/sign/" + url.PathEscape(b.o.Role)
	}
	return mount + "/sign/" + url.PathEscape(b.o.Role)
}

// Sign posts the CSR to pki/sign/<role> and checks what comes back before
// anyone sees it: the CSR's key, exactly the names and usages asked for, the
// validity asked for, and a chain to the root Vault reported.
func (b *backend) Sign(ctx context.Context, req *issuer.SignRequest) (*issuer.SignResponse, error) {
	if req.CSR == nil {
		return nil, fmt.Errorf("%w: this certificate names only a public key (public_key_pem_wo), so there is no CSR to send; let crank_certificate generate the key, give csr_pem, or issue it through a crank_ca", ErrNeedsCSR)
	}
	if err := b.CheckRequest(req.Template); err != nil {
		return nil, err
	}
	c, err := b.conn(ctx)
	if err != nil {
		return nil, err
	}
	t := req.Template
	csr := req.CSR
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("the CSR's signature does not verify: %w", err)
	}
	body := map[string]any{
		"csr":                  string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr.Raw})),
		"common_name":          t.Subject.CommonName,
		"exclude_cn_from_sans": true,
		"format":               "pem",
	}
	if len(t.DNSNames) > 0 {
		body["alt_names"] = strings.Join(t.DNSNames, ",")
	}
	if len(t.IPAddresses) > 0 {
		ips := make([]string, len(t.IPAddresses))
		for i, ip := range t.IPAddresses {
			ips[i] = ip.String()
		}
		body["ip_sans"] = strings.Join(ips, ",")
	}
	if len(t.URIs) > 0 {
		uris := make([]string, len(t.URIs))
		for i, u := range t.URIs {
			uris[i] = u.String()
		}
		body["uri_sans"] = strings.Join(uris, ",")
	}
	if !t.NotAfter.IsZero() {
		// ttl, not not_after: Vault enforces max_ttl only on a ttl.
		body["ttl"] = fmt.Sprintf("%ds", int64(time.Until(t.NotAfter).Round(time.Second)/time.Second))
	}
	s, err := c.write(ctx, b.signPath(), body)
	if err != nil {
		if errors.Is(err, ErrRefused) {
			return nil, fmt.Errorf("%w. The role is %q on mount %q", err, b.o.Role, b.o.Mount)
		}
		return nil, err
	}
	for _, w := range s.Warnings {
		// A TTL cut to max_ttl or to the issuer's end comes back as a
		// warning on a certificate that is already issued: refuse it.
		if strings.Contains(w, "TTL") {
			return nil, fmt.Errorf("%w: Vault said %q. Lower validity to the role's max_ttl or raise max_ttl", ErrChanged, w)
		}
	}
	var out struct {
		Certificate string   `json:"certificate"`
		IssuingCA   string   `json:"issuing_ca"`
		CAChain     []string `json:"ca_chain"`
	}
	if err := decode(s.Data, &out); err != nil {
		return nil, fmt.Errorf("%w: its answer is unreadable: %v", ErrRefused, err)
	}
	cert, err := pki.ParseCertPEM(out.Certificate)
	if err != nil {
		return nil, fmt.Errorf("%w: the certificate it returned is unreadable: %v", ErrRefused, err)
	}
	if err := checkIssued(cert, csr, t); err != nil {
		return nil, err
	}
	var chain []*x509.Certificate
	for _, p := range out.CAChain {
		cs, err := pki.ParseCertsPEM(p)
		if err != nil {
			return nil, fmt.Errorf("%w: its chain is unreadable: %v", ErrRefused, err)
		}
		chain = append(chain, cs...)
	}
	if len(chain) == 0 {
		ca, err := pki.ParseCertPEM(out.IssuingCA)
		if err != nil {
			return nil, fmt.Errorf("%w: it returned no issuing CA: %v", ErrRefused, err)
		}
		chain = []*x509.Certificate{ca}
	}
	if !chain[0].Equal(b.chain[0]) {
		return nil, fmt.Errorf("%w: it was signed by %q, not by the issuer the plan checked (%q); plan again", ErrChanged, chain[0].Subject.String(), b.chain[0].Subject.String())
	}
	root := chain[len(chain)-1]
	if err := root.CheckSignatureFrom(root); err != nil {
		return nil, fmt.Errorf("%w: the chain Vault returned does not end in a self-signed root; set the issuer's manual_chain or import the root into the mount so clients can verify", ErrRefused)
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root)
	for _, c := range chain[:len(chain)-1] {
		inter.AddCert(c)
	}
	// Checked at the latest start in the chain: a CA made seconds ago (a
	// Vault-held intermediate) may start after the leaf's backdated start.
	at := cert.NotBefore
	for _, c := range chain {
		if c.NotBefore.After(at) {
			at = c.NotBefore
		}
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at.Add(time.Second), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return nil, fmt.Errorf("%w: the certificate Vault returned does not chain to its own root: %v", ErrRefused, err)
	}
	return &issuer.SignResponse{Certificate: cert, Intermediates: chain[:len(chain)-1], Root: root}, nil
}

// Revoke revokes through pki/revoke by serial.
func (b *backend) Revoke(ctx context.Context, req *issuer.RevokeRequest) (*issuer.RevokeResponse, error) {
	c, err := b.conn(ctx)
	if err != nil {
		return nil, err
	}
	serial := req.Serial
	if serial == nil && req.Certificate != nil {
		serial = req.Certificate.SerialNumber
	}
	if serial == nil {
		return nil, errors.New("no serial to revoke")
	}
	if _, err := c.write(ctx, strings.Trim(b.o.Mount, "/")+"/revoke", map[string]any{"serial_number": SerialString(serial.Bytes())}); err != nil {
		return nil, err
	}
	return &issuer.RevokeResponse{}, nil
}

// RevokesOnDestroy says whether the handle opted its certificates into
// revocation when they are destroyed.
func (b *backend) RevokesOnDestroy() bool { return b.o.RevokeOnDestroy }

// CRL is the signing issuer's CRL, which Vault signs (crank cannot: the
// key is Vault's), checked against the issuer's certificate.
func (b *backend) CRL(ctx context.Context) (*x509.RevocationList, error) {
	c, err := b.conn(ctx)
	if err != nil {
		return nil, err
	}
	ref := b.o.IssuerID
	if ref == "" {
		ref = b.o.IssuerRef
	}
	return c.CRL(ctx, b.o.Mount, ref)
}

// CheckCSR is the plan-time check of a key the user supplied: pki/sign
// takes nothing but a CSR, and with use_csr_sans / use_csr_common_name (the
// role's defaults) Vault takes the names from the CSR, so it must carry
// exactly this certificate's names.
func (b *backend) CheckCSR(csr *x509.CertificateRequest, lr pki.LeafRequest) error {
	if csr == nil {
		return fmt.Errorf("%w: a bare public key (public_key_pem, public_key_pem_wo) cannot make one. Give csr_pem, or let crank_certificate generate the key", ErrNeedsCSR)
	}
	ro := b.o.RoleSettings
	if ro.UseCSRCommonName && csr.Subject.CommonName != lr.Subject.CommonName {
		return fmt.Errorf("the role %q takes the common name from the CSR (use_csr_common_name = true), and csr_pem names %q where this certificate has %q. Make the CSR's CN match, or set use_csr_common_name = false on the role", b.o.Role, csr.Subject.CommonName, lr.Subject.CommonName)
	}
	if ro.UseCSRSANs && (!sameStrings(csr.DNSNames, lr.DNSNames) || !sameStrings(ipStrings(csr.IPAddresses), ipStrings(lr.IPAddresses)) || !sameStrings(uriStrings(csr.URIs), uriStrings(lr.URIs))) {
		return fmt.Errorf("the role %q takes the SANs from the CSR (use_csr_sans = true), and csr_pem names DNS %v, IP %v, URI %v where this certificate has DNS %v, IP %v, URI %v. Make the CSR's SANs match, or set use_csr_sans = false on the role",
			b.o.Role, csr.DNSNames, csr.IPAddresses, uriStrings(csr.URIs), lr.DNSNames, lr.IPAddresses, uriStrings(lr.URIs))
	}
	return nil
}

// SerialString writes a serial as Vault names it: colon-separated hex pairs.
func SerialString(b []byte) string {
	if len(b) == 0 {
		b = []byte{0}
	}
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = fmt.Sprintf("%02x", x)
	}
	return strings.Join(parts, ":")
}
