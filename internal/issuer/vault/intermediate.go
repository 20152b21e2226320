package vault

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/url"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// IntermediateRequest asks Vault for an intermediate CA key it keeps:
// pki/intermediate/generate/internal returns only the CSR.
type IntermediateRequest struct {
	Mount, CommonName, KeyType, KeyName string
	KeyBits                             int
}

// GenerateIntermediate has Vault make the key and returns its CSR and the
// key's id in the mount. The private key never leaves Vault.
func (c *Client) GenerateIntermediate(ctx context.Context, r IntermediateRequest) (*x509.CertificateRequest, string, error) {
	mount := strings.Trim(r.Mount, "/")
	body := map[string]any{"common_name": r.CommonName, "key_type": r.KeyType, "format": "pem"}
	if r.KeyBits > 0 {
		body["key_bits"] = r.KeyBits
	}
	if r.KeyName != "" {
		body["key_name"] = r.KeyName
	}
	s, err := c.write(ctx, mount+"/intermediate/generate/internal", body)
	if err != nil {
		return nil, "", err
	}
	p, _ := s.Data["csr"].(string)
	csr, err := pki.ParseCSRPEM(p)
	if err != nil {
		return nil, "", fmt.Errorf("%w: the CSR Vault returned is unreadable: %v", ErrRefused, err)
	}
	keyID, _ := s.Data["key_id"].(string)
	return csr, keyID, nil
}

// SetSigned imports the signed intermediate and its chain into the mount
// (pki/intermediate/set-signed) and names it; it returns the new issuer's id.
func (c *Client) SetSigned(ctx context.Context, mount, keyID string, chain []*x509.Certificate, name string) (string, error) {
	mount = strings.Trim(mount, "/")
	s, err := c.write(ctx, mount+"/intermediate/set-signed", map[string]any{"certificate": pki.EncodeCertsPEM(chain...)})
	if err != nil {
		return "", err
	}
	var out struct {
		Imported []string          `json:"imported_issuers"`
		Mapping  map[string]string `json:"mapping"`
	}
	if err := decode(s.Data, &out); err != nil {
		return "", err
	}
	// The mapping ties each issuer to its key: the intermediate is the one
	// with the key Vault generated; the parents come in without one.
	id := ""
	for iss, key := range out.Mapping {
		if key != "" && (keyID == "" || key == keyID) {
			id = iss
		}
	}
	if id == "" {
		return "", fmt.Errorf("%w: set-signed imported no issuer with the generated key (imported %v); the certificate is not for the CSR's key", ErrRefused, out.Imported)
	}
	if name != "" {
		// A merge patch changes only the name; a plain write would reset
		// the issuer's other settings to their defaults.
		if _, err := c.api.Logical().JSONMergePatch(ctx, mount+"/issuer/"+url.PathEscape(id), map[string]any{"issuer_name": name}); err != nil {
			return "", c.mapErr(err, "name issuer "+id)
		}
	}
	return id, nil
}

// Issuer reads one issuer of a mount by reference.
func (c *Client) Issuer(ctx context.Context, mount, ref string) (IssuerInfo, error) {
	return c.issuer(ctx, strings.Trim(mount, "/"), ref)
}
