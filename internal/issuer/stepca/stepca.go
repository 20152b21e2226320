// Package stepca is the issuer backend of a step-ca online CA, through its
// native API: a one-time token signed with a JWK provisioner's key, and a
// CSR, posted to /1.0/sign (the flow of `step ca sign`).
//
// The handle carries the CA URL, the pinned root (and its fingerprint), the
// intermediates and the provisioner's name and key id; never the
// provisioner key or its password, which comes from the environment and
// decrypts the key step-ca serves for each signature.
package stepca

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// Name is the backend's type name in handles.
const Name = "stepca"

// PasswordEnv holds the JWK provisioner's password wherever certificates
// are planned and applied.
const PasswordEnv = "CRANK_STEPCA_PROVISIONER_PASSWORD"

func init() { issuer.Register(Name, New) }

// Options are the backend's handle options.
type Options struct {
	URL             string   `json:"url"`
	RootFingerprint string   `json:"root_fingerprint"`
	Provisioner     string   `json:"provisioner"`
	KeyID           string   `json:"kid"`
	Root            string   `json:"root"`
	Intermediates   []string `json:"intermediates"`
	// RevokeOnDestroy asks for every certificate issued through this handle
	// to be revoked through the CA's API when its resource is destroyed or
	// replaced. Off by default: revocation is permanent.
	RevokeOnDestroy bool `json:"revoke_on_destroy,omitempty"`
}

// Failures a user can act on, each wrapped with the details.
var (
	ErrUnreachable   = errors.New("step-ca is unreachable")
	ErrFingerprint   = errors.New("step-ca's root certificate does not have the pinned fingerprint")
	ErrNoProvisioner = errors.New("step-ca has no JWK provisioner with that name")
	ErrNoPassword    = errors.New("no password for the step-ca provisioner")
	ErrWrongPassword = errors.New("the provisioner password does not decrypt the provisioner key")
	ErrRejected      = errors.New("step-ca refused the request")
	ErrRateLimited   = errors.New("step-ca rate-limited the request")
	ErrNeedsCSR      = errors.New("step-ca signs only certificate signing requests")
	ErrWrongKey      = errors.New("step-ca returned a certificate for another key than the CSR's")
	ErrNoCRL         = errors.New("step-ca publishes no CRL")
	ErrCSRNames      = errors.New("step-ca would refuse this certificate request")
)

// NormalizeFingerprint accepts the forms people paste: hex with or without
// colons, any case.
func NormalizeFingerprint(fp string) (string, error) {
	s := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(fp), ":", ""))
	if b, err := hex.DecodeString(s); err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("root_fingerprint %q is not a SHA-256 fingerprint (64 hex digits, as `step certificate fingerprint root_ca.crt` prints)", fp)
	}
	return s, nil
}

func fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// Bootstrap contacts the CA once: it fetches the root by its fingerprint
// over an unverified connection and accepts it only if the fingerprint
// matches (what `step ca bootstrap` does; trust on first use is never
// silent), then reads the intermediates and finds the provisioner over a
// connection verified against that root.
func Bootstrap(ctx context.Context, caURL, rootFingerprint, provisioner string) (Options, error) {
	caURL = strings.TrimRight(caURL, "/")
	fp, err := NormalizeFingerprint(rootFingerprint)
	if err != nil {
		return Options{}, err
	}
	// The root is verified by its hash below, not by the TLS connection.
	insecure := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // #nosec G402 -- checked by fingerprint
	var rootResp struct {
		CA string `json:"ca"`
	}
	if err := getJSON(ctx, insecure, caURL+"/root/"+fp, &rootResp); err != nil {
		if errors.Is(err, ErrRejected) {
			return Options{}, fmt.Errorf("%w: the CA at %s has no root with fingerprint %s (%v). Check root_fingerprint against `step certificate fingerprint` of the CA's root", ErrFingerprint, caURL, fp, err)
		}
		return Options{}, err
	}
	root, err := pki.ParseCertPEM(rootResp.CA)
	if err != nil {
		return Options{}, fmt.Errorf("%w: the root it served is unreadable: %v", ErrRejected, err)
	}
	if got := fingerprint(root); got != fp {
		return Options{}, fmt.Errorf("%w: the CA at %s serves a root with fingerprint %s, pinned %s. Someone may be in the middle; do not change the pin unless the CA's operators confirm a new root", ErrFingerprint, caURL, got, fp)
	}
	o := Options{URL: caURL, RootFingerprint: fp, Provisioner: provisioner, Root: b64(root.Raw)}
	c := o.client(root)
	var inter struct {
		Crts []string `json:"crts"`
	}
	if err := getJSON(ctx, c, caURL+"/intermediates", &inter); err != nil {
		return Options{}, err
	}
	for _, p := range inter.Crts {
		ic, err := pki.ParseCertPEM(p)
		if err != nil {
			return Options{}, fmt.Errorf("%w: intermediate unreadable: %v", ErrRejected, err)
		}
		o.Intermediates = append(o.Intermediates, b64(ic.Raw))
	}
	var provs struct {
		Provisioners []struct {
			Type string `json:"type"`
			Name string `json:"name"`
			Key  struct {
				KeyID string `json:"kid"`
			} `json:"key"`
		} `json:"provisioners"`
	}
	if err := getJSON(ctx, c, caURL+"/provisioners?limit=100", &provs); err != nil {
		return Options{}, err
	}
	var names []string
	for _, p := range provs.Provisioners {
		if p.Type == "JWK" && p.Name == provisioner {
			o.KeyID = p.Key.KeyID
			return o, nil
		}
		names = append(names, p.Type+" "+p.Name)
	}
	return Options{}, fmt.Errorf("%w: %q; the CA has: %s", ErrNoProvisioner, provisioner, strings.Join(names, ", "))
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func (o Options) client(root *x509.Certificate) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(root)
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

// Encode writes the handle.
func Encode(o Options) (string, error) { return issuer.Encode(Name, o) }

var (
	_ issuer.Backend         = (*backend)(nil)
	_ issuer.RequestChecker  = (*backend)(nil)
	_ issuer.CRLPublisher    = (*backend)(nil)
	_ issuer.RevokeOnDestroy = (*backend)(nil)
	_ issuer.CSRChecker      = (*backend)(nil)
)

type backend struct {
	o        Options
	root     *x509.Certificate
	chain    []*x509.Certificate // issuing CA first, root last
	http     *http.Client
	password string
}

// New builds the backend from its handle options, checking the pinned root
// still has its fingerprint.
func New(_ context.Context, opts issuer.Options) (issuer.Backend, error) {
	var o Options
	if err := issuer.DecodeOptions(Name, opts.Raw, &o); err != nil {
		return nil, err
	}
	root, err := parseB64(o.Root)
	if err != nil || fingerprint(root) != o.RootFingerprint {
		return nil, fmt.Errorf("%w: the step-ca root in the handle is damaged or not the pinned one", issuer.ErrBadHandle)
	}
	var chain []*x509.Certificate
	for _, s := range o.Intermediates {
		c, err := parseB64(s)
		if err != nil {
			return nil, fmt.Errorf("%w: step-ca intermediate: %v", issuer.ErrBadHandle, err)
		}
		chain = append(chain, c)
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("%w: the step-ca handle lists no intermediate", issuer.ErrBadHandle)
	}
	return &backend{o: o, root: root, chain: append(chain, root), http: o.client(root), password: opts.Getenv(PasswordEnv)}, nil
}

func parseB64(s string) (*x509.Certificate, error) {
	der, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// CAChain is the issuing intermediate and the pinned root, from the handle:
// plans never need the network.
func (b *backend) CAChain(context.Context) (*issuer.CAChainResponse, error) {
	return &issuer.CAChainResponse{Cert: b.chain[0], Parents: b.chain[1:]}, nil
}

// Fields: step-ca's default X.509 template writes the token's subject as
// the common name, the token's SANs and the validity asked for; the key
// usages are the template's (serverAuth and clientAuth), see CheckRequest.
func (b *backend) Fields() []issuer.Field {
	return []issuer.Field{issuer.FieldSubject, issuer.FieldURIs, issuer.FieldDNSNames, issuer.FieldIPAddresses, issuer.FieldUsages, issuer.FieldValidity}
}

// CheckRequest refuses what the default template would write differently:
// it always sets both TLS usages.
func (b *backend) CheckRequest(r pki.LeafRequest) error {
	server, client := false, false
	for _, u := range r.Usages {
		server = server || u == pki.UsageServer
		client = client || u == pki.UsageClient
	}
	if !server || !client {
		return &issuer.FieldError{Backend: Name, Field: issuer.FieldUsages}
	}
	return nil
}

// CheckCSR refuses what step-ca's JWK provisioner would: no request at all,
// or a supplied request whose names are not exactly the token's (its SANs
// validator compares the sets) or whose common name is neither empty nor
// the token's subject.
func (b *backend) CheckCSR(csr *x509.CertificateRequest, r pki.LeafRequest) error {
	if csr == nil {
		return fmt.Errorf("%w: this certificate names only a public key, so there is no request to send. Give csr_pem (a CSR with exactly this certificate's SANs), let crank_certificate generate the key, or issue it through a crank_ca", ErrNeedsCSR)
	}
	var got []string
	for _, u := range csr.URIs {
		got = append(got, u.String())
	}
	got = append(got, csr.DNSNames...)
	for _, ip := range csr.IPAddresses {
		got = append(got, ip.String())
	}
	got = append(got, csr.EmailAddresses...)
	want := sansOf(r)
	if !sameSet(got, want) {
		return fmt.Errorf("%w: csr_pem has the SANs [%s], but this certificate has [%s] and step-ca signs a request only with exactly the names of its token. Make the CSR with exactly those SANs", ErrCSRNames, strings.Join(got, ", "), strings.Join(want, ", "))
	}
	if cn := csr.Subject.CommonName; cn != "" && cn != tokenSubject(r) {
		return fmt.Errorf("%w: csr_pem has the common name %q, but step-ca accepts only an empty one or %q", ErrCSRNames, cn, tokenSubject(r))
	}
	return nil
}

func sameSet(a, b []string) bool {
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		seen[s]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

// tokenSubject is the subject of the token for r: its common name, else
// its first SAN.
func tokenSubject(r pki.LeafRequest) string {
	if r.Subject.CommonName != "" {
		return r.Subject.CommonName
	}
	if sans := sansOf(r); len(sans) > 0 {
		return sans[0]
	}
	return ""
}

// provisionerKey fetches the encrypted provisioner key and decrypts it.
func (b *backend) provisionerKey(ctx context.Context) (*jose.JSONWebKey, error) {
	if b.password == "" {
		return nil, fmt.Errorf("%w %q: set %s", ErrNoPassword, b.o.Provisioner, PasswordEnv)
	}
	var resp struct {
		Key string `json:"key"`
	}
	if err := getJSON(ctx, b.http, b.o.URL+"/provisioners/"+b.o.KeyID+"/encrypted-key", &resp); err != nil {
		return nil, err
	}
	enc, err := jose.ParseEncrypted(resp.Key, []jose.KeyAlgorithm{jose.PBES2_HS256_A128KW, jose.PBES2_HS384_A192KW, jose.PBES2_HS512_A256KW}, []jose.ContentEncryption{jose.A128GCM, jose.A192GCM, jose.A256GCM})
	if err != nil {
		return nil, fmt.Errorf("%w: the encrypted provisioner key is unreadable: %v", ErrRejected, err)
	}
	plain, err := enc.Decrypt([]byte(b.password))
	if err != nil {
		return nil, fmt.Errorf("%w %q (%s)", ErrWrongPassword, b.o.Provisioner, PasswordEnv)
	}
	var jwk jose.JSONWebKey
	if err := json.Unmarshal(plain, &jwk); err != nil || jwk.IsPublic() {
		return nil, fmt.Errorf("%w: the provisioner key is not a private JWK", ErrRejected)
	}
	return &jwk, nil
}

// token is a one-time token for aud, valid five minutes.
func (b *backend) token(key *jose.JSONWebKey, aud, subject string, sans []string) (string, error) {
	alg := jose.SignatureAlgorithm(key.Algorithm)
	if alg == "" {
		alg = jose.ES256
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key.Key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", b.o.KeyID))
	if err != nil {
		return "", err
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return "", err
	}
	now := time.Now()
	claims := jwt.Claims{Issuer: b.o.Provisioner, Subject: subject, Audience: jwt.Audience{aud}, ID: hex.EncodeToString(id),
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)), Expiry: jwt.NewNumericDate(now.Add(5 * time.Minute))}
	extra := map[string]any{}
	if len(sans) > 0 {
		extra["sans"] = sans
	}
	return jwt.Signed(signer).Claims(claims).Claims(extra).Serialize()
}

func sansOf(r pki.LeafRequest) []string {
	var out []string
	for _, u := range r.URIs {
		out = append(out, u.String())
	}
	out = append(out, r.DNSNames...)
	for _, ip := range r.IPAddresses {
		out = append(out, ip.String())
	}
	return out
}

// Sign posts the CSR with a fresh one-time token and checks what comes back
// before anyone sees it: the CSR's key, and a chain to the pinned root.
func (b *backend) Sign(ctx context.Context, req *issuer.SignRequest) (*issuer.SignResponse, error) {
	if req.CSR == nil {
		return nil, fmt.Errorf("%w: this certificate names only a public key (public_key_pem_wo), so there is no CSR to send; let crank_certificate generate the key, or issue it through a crank_ca", ErrNeedsCSR)
	}
	if err := b.CheckRequest(req.Template); err != nil {
		return nil, err
	}
	key, err := b.provisionerKey(ctx)
	if err != nil {
		return nil, err
	}
	ott, err := b.token(key, b.o.URL+"/1.0/sign", tokenSubject(req.Template), sansOf(req.Template))
	if err != nil {
		return nil, err
	}
	body := map[string]any{
		"csr": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: req.CSR.Raw})),
		"ott": ott,
	}
	if !req.Template.NotAfter.IsZero() {
		body["notBefore"] = req.Template.NotBefore.UTC().Format(time.RFC3339)
		body["notAfter"] = req.Template.NotAfter.UTC().Format(time.RFC3339)
	}
	var resp struct {
		Crt       string   `json:"crt"`
		CertChain []string `json:"certChain"`
	}
	if err := postJSON(ctx, b.http, b.o.URL+"/1.0/sign", body, &resp); err != nil {
		return nil, err
	}
	cert, err := pki.ParseCertPEM(resp.Crt)
	if err != nil {
		return nil, fmt.Errorf("%w: the certificate it returned is unreadable: %v", ErrRejected, err)
	}
	if !pki.PublicKeysEqual(cert.PublicKey, req.CSR.PublicKey) {
		return nil, ErrWrongKey
	}
	var inter []*x509.Certificate
	for _, p := range resp.CertChain[min(1, len(resp.CertChain)):] {
		c, err := pki.ParseCertPEM(p)
		if err != nil {
			return nil, fmt.Errorf("%w: its chain is unreadable: %v", ErrRejected, err)
		}
		inter = append(inter, c)
	}
	roots := x509.NewCertPool()
	roots.AddCert(b.root)
	pool := x509.NewCertPool()
	for _, c := range inter {
		pool.AddCert(c)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: pool, CurrentTime: cert.NotBefore.Add(time.Second), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return nil, fmt.Errorf("%w: the certificate step-ca returned does not chain to the pinned root: %v", ErrRejected, err)
	}
	return &issuer.SignResponse{Certificate: cert, Intermediates: inter, Root: b.root}, nil
}

// Revoke revokes through step-ca's API with a token for the serial.
func (b *backend) Revoke(ctx context.Context, req *issuer.RevokeRequest) (*issuer.RevokeResponse, error) {
	key, err := b.provisionerKey(ctx)
	if err != nil {
		return nil, err
	}
	serial := req.Serial.String()
	ott, err := b.token(key, b.o.URL+"/1.0/revoke", serial, nil)
	if err != nil {
		return nil, err
	}
	body := map[string]any{"serial": serial, "ott": ott, "reasonCode": req.Reason, "passive": true}
	if err := postJSON(ctx, b.http, b.o.URL+"/1.0/revoke", body, &struct{}{}); err != nil {
		// step-ca words it "certificate with serial number '...' is already
		// revoked" (authority/tls.go); it has no code of its own.
		if errors.Is(err, ErrRejected) && strings.Contains(err.Error(), "is already revoked") {
			return nil, fmt.Errorf("%w: %w", issuer.ErrAlreadyRevoked, err)
		}
		return nil, err
	}
	return &issuer.RevokeResponse{}, nil
}

// RevokesOnDestroy says whether the handle opted in to revocation on
// destroy.
func (b *backend) RevokesOnDestroy() bool { return b.o.RevokeOnDestroy }

// CRL fetches the CA's current CRL (GET /1.0/crl, DER) and accepts it only
// when the issuing intermediate of the handle signed it.
func (b *backend) CRL(ctx context.Context) (*x509.RevocationList, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.o.URL+"/1.0/crl", nil)
	if err != nil {
		return nil, err
	}
	der, status, err := send(b.http, req)
	if err != nil {
		return nil, err
	}
	if status == http.StatusNotFound {
		return nil, fmt.Errorf("%w at %s: %s. Enable it in step-ca's ca.json with \"crl\": {\"enabled\": true, \"generateOnRevoke\": true}, or list the serials in a crank_crl of a crank_ca instead", ErrNoCRL, b.o.URL, problemMessage(der))
	}
	if err := statusError(req, status, der); err != nil {
		return nil, err
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("%w: the CRL it served is unreadable: %v", ErrRejected, err)
	}
	if err := crl.CheckSignatureFrom(b.chain[0]); err != nil {
		return nil, fmt.Errorf("%w: the CRL it served is not signed by its issuing CA %q: %v", ErrRejected, b.chain[0].Subject, err)
	}
	return crl, nil
}

func getJSON(ctx context.Context, c *http.Client, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	return do(c, req, out)
}

func postJSON(ctx context.Context, c *http.Client, url string, body, out any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return do(c, req, out)
}

// do sends req and maps failures: no connection, a TLS failure against the
// pinned root, a rate limit, and any refusal with step-ca's own message.
func do(c *http.Client, req *http.Request, out any) error {
	data, status, err := send(c, req)
	if err != nil {
		return err
	}
	if err := statusError(req, status, data); err != nil {
		return err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%w: the answer of %s %s is not JSON: %v", ErrRejected, req.Method, req.URL.Path, err)
	}
	return nil
}

// send sends req and reads at most 4 MiB of the answer.
func send(c *http.Client, req *http.Request) ([]byte, int, error) {
	resp, err := c.Do(req)
	if err != nil {
		var netErr net.Error
		var certErr *tls.CertificateVerificationError
		switch {
		case errors.As(err, &certErr):
			return nil, 0, fmt.Errorf("%w: the TLS certificate of %s does not chain to the pinned root: %v", ErrFingerprint, req.URL.Host, certErr.Err)
		case errors.As(err, &netErr):
			return nil, 0, fmt.Errorf("%w at %s: %v. Check the URL and that step-ca is running", ErrUnreachable, req.URL.Host, err)
		}
		return nil, 0, fmt.Errorf("%w at %s: %v", ErrUnreachable, req.URL.Host, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: reading the answer of %s: %v", ErrUnreachable, req.URL.Host, err)
	}
	return data, resp.StatusCode, nil
}

// statusError maps a refusal to its error, with step-ca's own message.
func statusError(req *http.Request, status int, data []byte) error {
	if status/100 == 2 {
		return nil
	}
	msg := problemMessage(data)
	if status == http.StatusTooManyRequests {
		return fmt.Errorf("%w (%s %s): %s. Retry later", ErrRateLimited, req.Method, req.URL.Path, msg)
	}
	return fmt.Errorf("%w (%s %s, HTTP %d): %s", ErrRejected, req.Method, req.URL.Path, status, msg)
}

func problemMessage(data []byte) string {
	var problem struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(data, &problem)
	if problem.Message != "" {
		return problem.Message
	}
	return strings.TrimSpace(string(data))
}

// RootOf returns the pinned root of o.
func RootOf(o Options) (*x509.Certificate, error) { return parseB64(o.Root) }

// IntermediatesOf returns the intermediates of o, issuing CA first.
func IntermediatesOf(o Options) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, s := range o.Intermediates {
		c, err := parseB64(s)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
