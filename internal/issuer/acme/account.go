package acme

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"

	xacme "golang.org/x/crypto/acme"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// Config is what the data source reads once per plan to build a handle.
type Config struct {
	Directory       string
	CABundle        string
	AccountKeyFile  string
	Contact         []string
	IssuerChainPEM  string
	HTTP01Listen    string
	DNS01Hook       []string
	Usages          []string
	RevokeOnDestroy bool
	Getenv          func(string) string
}

// Bootstrap opens (or on first use creates) the account key file, finds or
// registers the account (with External Account Binding from the
// environment when set), and reads the directory's renewalInfo endpoint.
// Its result is the handle's options.
func Bootstrap(ctx context.Context, cfg Config) (Options, error) {
	o := Options{Directory: strings.TrimSpace(cfg.Directory), CABundle: cfg.CABundle, AccountKeyFile: cfg.AccountKeyFile,
		HTTP01Listen: cfg.HTTP01Listen, DNS01Hook: cfg.DNS01Hook, Usages: cfg.Usages, RevokeOnDestroy: cfg.RevokeOnDestroy}
	if (o.HTTP01Listen == "") == (len(o.DNS01Hook) == 0) {
		return Options{}, fmt.Errorf("%w: set exactly one of http01_listen and dns01_hook", ErrSolver)
	}
	certs, err := pki.ParseCertsPEM(cfg.IssuerChainPEM)
	if err != nil || len(certs) == 0 {
		return Options{}, fmt.Errorf("issuer_chain_pem holds no readable certificate: %v", err)
	}
	for _, c := range certs {
		o.Chain = append(o.Chain, base64.StdEncoding.EncodeToString(c.Raw))
	}
	if _, err := decodeChain(o.Chain); err != nil {
		return Options{}, fmt.Errorf("issuer_chain_pem: %v. List the issuing CA first and end with its self-signed root", err)
	}
	hc, err := httpClient(cfg.CABundle)
	if err != nil {
		return Options{}, err
	}
	// The directory first: a wrong URL or CA bundle must not leave a new
	// key file behind.
	dir, err := (&xacme.Client{DirectoryURL: o.Directory, HTTPClient: hc, UserAgent: "crank"}).Discover(ctx)
	if err != nil {
		return Options{}, wrapErr(err, o.Directory, "reading the directory")
	}
	key, err := openOrCreateAccountKey(cfg.AccountKeyFile, cfg.Getenv(PassphraseEnv))
	if err != nil {
		return Options{}, err
	}
	if o.AccountKeyFP, err = pki.PublicKeyFingerprint(key.Public()); err != nil {
		return Options{}, err
	}
	c := &xacme.Client{Key: key, DirectoryURL: o.Directory, HTTPClient: hc, UserAgent: "crank"}
	// An account that exists already is used as it is: EAB secrets are
	// needed once, at registration, not on every plan.
	a, err := c.GetReg(ctx, "")
	if errors.Is(err, xacme.ErrNoAccount) {
		a, err = register(ctx, c, cfg, dir)
	}
	if err != nil {
		return Options{}, wrapErr(err, o.Directory, "registering the account")
	}
	o.AccountURL = a.URI
	if o.RenewalInfo, err = renewalInfoURL(ctx, hc, o.Directory); err != nil {
		return Options{}, err
	}
	return o, nil
}

// register creates the account, bound to the external account when
// CRANK_ACME_EAB_KID and CRANK_ACME_EAB_HMAC_KEY are set.
func register(ctx context.Context, c *xacme.Client, cfg Config, dir xacme.Directory) (*xacme.Account, error) {
	acct := &xacme.Account{Contact: cfg.Contact}
	kid, hmacKey := cfg.Getenv(EABKeyIDEnv), cfg.Getenv(EABHMACEnv)
	if (kid == "") != (hmacKey == "") {
		return nil, fmt.Errorf("%w: set both %s and %s, or neither", ErrAccount, EABKeyIDEnv, EABHMACEnv)
	}
	if kid != "" {
		// RFC 8555 7.3.4: the HMAC key is base64url; some CAs hand it out padded.
		k, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(hmacKey, "="))
		if err != nil {
			return nil, fmt.Errorf("%w: %s is not base64url: %v", ErrAccount, EABHMACEnv, err)
		}
		acct.ExternalAccountBinding = &xacme.ExternalAccountBinding{KID: kid, Key: k}
	} else if dir.ExternalAccountRequired {
		return nil, fmt.Errorf("%w (its directory says externalAccountRequired). Set %s and %s to the key id and HMAC key the CA gave you", ErrEABRequired, EABKeyIDEnv, EABHMACEnv)
	}
	// crank agrees to the CA's terms of service (termsOfServiceAgreed),
	// as the guide says: whoever configures the issuer accepts them.
	a, err := c.Register(ctx, acct, xacme.AcceptTOS)
	if errors.Is(err, xacme.ErrAccountAlreadyExists) {
		return c.GetReg(ctx, "")
	}
	return a, err
}

// openOrCreateAccountKey reads the encrypted account key, or makes one
// (ECDSA P-256, the key type every ACME CA takes) when the file is absent.
// pki.WriteKeyFile never replaces a file and leaves nothing half-written.
func openOrCreateAccountKey(path, passphrase string) (crypto.Signer, error) {
	if passphrase == "" {
		return nil, fmt.Errorf("%w: no passphrase for the account key file %s: set %s", ErrAccount, path, PassphraseEnv)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		key, err := pki.GenerateKey(pki.ECDSAP256)
		if err != nil {
			return nil, err
		}
		if err := pki.WriteKeyFile(path, key, passphrase); err != nil && !errors.Is(err, pki.ErrKeyFileExists) {
			return nil, fmt.Errorf("%w: creating the account key file: %v", ErrAccount, err)
		}
	}
	return loadAccountKey(path, passphrase, "")
}

func loadAccountKey(path, passphrase, fingerprint string) (crypto.Signer, error) {
	if passphrase == "" {
		return nil, fmt.Errorf("%w: no passphrase for the account key file %s: set %s", ErrAccount, path, PassphraseEnv)
	}
	key, err := pki.ReadKeyFile(path, passphrase, fingerprint)
	if err != nil {
		return nil, fmt.Errorf("%w: %v (the passphrase is %s)", ErrAccount, err, PassphraseEnv)
	}
	return key, nil
}

// renewalInfoURL is the directory's "renewalInfo" member (RFC 9773 3.1),
// which x/crypto/acme's Directory does not carry; empty when the CA has no ARI.
func renewalInfoURL(ctx context.Context, hc *http.Client, dir string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, dir, nil)
	if err != nil {
		return "", err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", wrapErr(err, dir, "reading the directory")
	}
	defer resp.Body.Close()
	var d struct {
		RenewalInfo string `json:"renewalInfo"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&d); err != nil {
		return "", fmt.Errorf("%w: the directory is not JSON: %v", ErrRejected, err)
	}
	return d.RenewalInfo, nil
}

// CertificatesOf returns the chain of o, issuing CA first.
func CertificatesOf(o Options) ([]*x509.Certificate, error) { return decodeChain(o.Chain) }
