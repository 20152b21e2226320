package vault

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// Target names what a handle points at.
type Target struct {
	Mount, Role, IssuerRef string
	RevokeOnDestroy        bool
}

// IssuerInfo is one issuer of a PKI mount (Vault's multi-issuer model).
type IssuerInfo struct {
	ID, Name  string
	IsDefault bool
	Cert      *x509.Certificate
	// Chain is Cert and its parents as Vault knows them.
	Chain []*x509.Certificate
}

// Discovery is what Discover read from Vault.
type Discovery struct {
	Options Options
	// Issuers are every issuer in the mount, default first: the trust
	// bundle of a rotation overlap.
	Issuers []IssuerInfo
}

// Discover reads the role, the issuer that will sign and every issuer of
// the mount, and returns the handle options. It needs a token that may read
// pki/roles/<role>; the issuers are readable without one.
func Discover(ctx context.Context, cfg Config, t Target) (*Discovery, error) {
	mount := strings.Trim(t.Mount, "/")
	if mount == "" || t.Role == "" {
		return nil, errors.New("mount and role are required")
	}
	c, err := NewClient(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s, err := c.read(ctx, mount+"/roles/"+url.PathEscape(t.Role))
	if err != nil {
		return nil, err
	}
	if s == nil || s.Data == nil {
		names := c.roleNames(ctx, mount)
		return nil, fmt.Errorf("%w: %q on mount %q (it has: %s). Create it (vault write %s/roles/%s ...) or fix role", ErrUnknownRole, t.Role, mount, names, mount, t.Role)
	}
	var role Role
	if err := decode(s.Data, &role); err != nil {
		return nil, fmt.Errorf("%w: role %q is unreadable: %v", ErrRefused, t.Role, err)
	}
	if role.MaxTTL == 0 {
		// Best effort: a PKI-only policy may not read sys/; Vault still
		// enforces the mount's maximum, and the issued certificate is
		// compared with the request.
		if tune, err := c.read(ctx, "sys/mounts/"+mount+"/tune"); err == nil && tune != nil {
			if v, ok := tune.Data["max_lease_ttl"].(json.Number); ok {
				role.MountMaxTTL, _ = v.Int64()
			}
		}
	}
	if t.RevokeOnDestroy && role.NoStore {
		return nil, fmt.Errorf("%w: revoke_on_destroy needs Vault to store the certificates it issues, and role %q has no_store = true. Set no_store = false on the role, or revoke_on_destroy = false", ErrRoleNoStore, t.Role)
	}
	issuers, err := c.issuers(ctx, mount)
	if err != nil {
		return nil, err
	}
	ref := t.IssuerRef
	if ref == "" {
		ref = role.IssuerRef
	}
	signing, err := c.issuer(ctx, mount, ref)
	if err != nil {
		return nil, err
	}
	if top := signing.Chain[len(signing.Chain)-1]; top.CheckSignatureFrom(top) != nil {
		return nil, fmt.Errorf("%w: the chain of issuer %q ends at %q, which is not a self-signed root, so peers could not verify its certificates. Import the root into the mount or set the issuer's manual_chain", ErrRefused, signing.ID, top.Subject.String())
	}
	o := Options{
		Address: cfg.Address, CACertPEM: cfg.CACertPEM, Namespace: cfg.Namespace,
		Mount: mount, Role: t.Role, IssuerRef: t.IssuerRef, IssuerID: signing.ID,
		AuthMethod: cfg.AuthMethod, AppRoleMount: cfg.AppRoleMount,
		RevokeOnDestroy: t.RevokeOnDestroy, RoleSettings: role,
	}
	if o.AuthMethod == "" {
		o.AuthMethod = AuthToken
	}
	for _, cert := range signing.Chain {
		o.Chain = append(o.Chain, b64(cert))
	}
	return &Discovery{Options: o, Issuers: issuers}, nil
}

func (c *Client) roleNames(ctx context.Context, mount string) string {
	s, err := c.api.Logical().ListWithContext(ctx, mount+"/roles")
	if err != nil || s == nil {
		return "none readable"
	}
	keys, _ := s.Data["keys"].([]any)
	var names []string
	for _, k := range keys {
		names = append(names, fmt.Sprint(k))
	}
	if len(names) == 0 {
		return "no roles"
	}
	return strings.Join(names, ", ")
}

// issuer reads one issuer by reference (id, name or "default").
func (c *Client) issuer(ctx context.Context, mount, ref string) (IssuerInfo, error) {
	if ref == "" {
		ref = "default"
	}
	s, err := c.read(ctx, mount+"/issuer/"+url.PathEscape(ref)+"/json")
	if err != nil {
		if errors.Is(err, ErrRefused) && strings.Contains(err.Error(), "HTTP 400") || errors.Is(err, ErrRefused) && strings.Contains(err.Error(), "HTTP 500") {
			return IssuerInfo{}, fmt.Errorf("%w: %q on mount %q: %v. List them with vault list %s/issuers", ErrUnknownIssuer, ref, mount, err, mount)
		}
		return IssuerInfo{}, err
	}
	if s == nil || s.Data == nil {
		return IssuerInfo{}, fmt.Errorf("%w: %q on mount %q (a mount with no CA yet has none: generate or import one)", ErrUnknownIssuer, ref, mount)
	}
	var out struct {
		ID      string   `json:"issuer_id"`
		Name    string   `json:"issuer_name"`
		Cert    string   `json:"certificate"`
		CAChain []string `json:"ca_chain"`
	}
	if err := decode(s.Data, &out); err != nil {
		return IssuerInfo{}, err
	}
	cert, err := pki.ParseCertPEM(out.Cert)
	if err != nil {
		return IssuerInfo{}, fmt.Errorf("%w: issuer %q's certificate is unreadable: %v", ErrRefused, ref, err)
	}
	info := IssuerInfo{ID: out.ID, Name: out.Name, Cert: cert, Chain: []*x509.Certificate{cert}}
	for _, p := range out.CAChain {
		cs, err := pki.ParseCertsPEM(p)
		if err != nil {
			return IssuerInfo{}, fmt.Errorf("%w: issuer %q's chain is unreadable: %v", ErrRefused, ref, err)
		}
		for _, cc := range cs {
			if !cc.Equal(cert) && !slices.ContainsFunc(info.Chain, cc.Equal) {
				info.Chain = append(info.Chain, cc)
			}
		}
	}
	return info, nil
}

// issuers lists every issuer of the mount, the default first.
func (c *Client) issuers(ctx context.Context, mount string) ([]IssuerInfo, error) {
	s, err := c.api.Logical().ListWithContext(ctx, mount+"/issuers")
	if err != nil {
		return nil, c.mapErr(err, "list "+mount+"/issuers")
	}
	if s == nil {
		return nil, fmt.Errorf("%w: mount %q has no issuer (generate a root or import one first)", ErrUnknownIssuer, mount)
	}
	keys, _ := s.Data["keys"].([]any)
	info, _ := s.Data["key_info"].(map[string]any)
	var out []IssuerInfo
	for _, k := range keys {
		id := fmt.Sprint(k)
		iss, err := c.issuer(ctx, mount, id)
		if err != nil {
			return nil, err
		}
		if m, ok := info[id].(map[string]any); ok {
			iss.IsDefault, _ = m["is_default"].(bool)
		}
		out = append(out, iss)
	}
	slices.SortStableFunc(out, func(a, b IssuerInfo) int {
		switch {
		case a.IsDefault == b.IsDefault:
			return 0
		case a.IsDefault:
			return -1
		}
		return 1
	})
	return out, nil
}
