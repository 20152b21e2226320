package vault

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// CRL fetches the mount's complete CRL (pki/crl, or pki/issuer/<ref>/crl for
// one issuer of a multi-issuer mount) and checks it is signed by that
// issuer. Vault rebuilds it on every revocation unless auto_rebuild is set.
func (c *Client) CRL(ctx context.Context, mount, ref string) (*x509.RevocationList, error) {
	mount = strings.Trim(mount, "/")
	iss, err := c.issuer(ctx, mount, ref)
	if err != nil {
		return nil, err
	}
	// The issuer's CRL endpoint answers with the DER itself, not JSON.
	path := mount + "/issuer/" + url.PathEscape(iss.ID) + "/crl/der"
	resp, err := c.api.Logical().ReadRawWithContext(ctx, path)
	if resp != nil {
		defer resp.Body.Close()
	}
	if err != nil {
		return nil, c.mapErr(err, "read "+path)
	}
	der, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("%w (read %s): %v", ErrUnreachable, path, err)
	}
	if len(der) == 0 {
		return nil, fmt.Errorf("%w: %s has no CRL (is CRL building disabled in %s/config/crl?)", ErrRefused, path, mount)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("%w: the CRL of %s is unreadable: %v", ErrRefused, path, err)
	}
	if err := crl.CheckSignatureFrom(iss.Cert); err != nil {
		return nil, fmt.Errorf("%w: the CRL of %s is not signed by issuer %s: %v", ErrRefused, path, iss.ID, err)
	}
	return crl, nil
}
