package issuer

import (
	"context"
	"crypto"
	"crypto/x509"
	"sync"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// SignerCA is a Backend for every CA whose key this process signs with,
// wherever the key lives: the local backend (state or key file) and the
// PKCS#11 backend (a token) differ only in how they open it. The key is
// opened on first use, so CAChain and plan-time checks never touch it.
type SignerCA struct {
	Name    string
	Cert    *x509.Certificate
	Parents []*x509.Certificate
	OpenKey func(ctx context.Context) (crypto.Signer, error)

	once sync.Once
	iss  *pki.Issuer
	err  error
}

var (
	_ Backend     = (*SignerCA)(nil)
	_ LocalSigner = (*SignerCA)(nil)
)

// LocalIssuer opens the key once and checks it matches the certificate.
func (c *SignerCA) LocalIssuer(ctx context.Context) (*pki.Issuer, error) {
	c.once.Do(func() {
		key, err := c.OpenKey(ctx)
		if err != nil {
			c.err = err
			return
		}
		iss := &pki.Issuer{Cert: c.Cert, Key: key, Parents: c.Parents}
		if err := iss.Check(); err != nil {
			c.err = err
			return
		}
		c.iss = iss
	})
	return c.iss, c.err
}

// Sign applies crank's issuance policy and signs with the CA key.
func (c *SignerCA) Sign(ctx context.Context, req *SignRequest) (*SignResponse, error) {
	iss, err := c.LocalIssuer(ctx)
	if err != nil {
		return nil, err
	}
	tmpl := req.Template
	if req.CSR != nil {
		if err := req.CSR.CheckSignature(); err != nil {
			return nil, err
		}
		if tmpl.PublicKey == nil {
			tmpl.PublicKey = req.CSR.PublicKey
		}
	}
	cert, err := pki.IssueLeaf(iss, tmpl)
	if err != nil {
		return nil, err
	}
	return &SignResponse{Certificate: cert, Intermediates: iss.Intermediates(), Root: iss.Root()}, nil
}

// Revoke is not an operation of a CA signed here: its revocations are the
// entries of a crank_crl, which this provider signs.
func (c *SignerCA) Revoke(context.Context, *RevokeRequest) (*RevokeResponse, error) {
	return nil, &UnsupportedError{Backend: c.Name, Operation: "revoke a certificate by API", Hint: "list its serial in a crank_crl signed by this CA"}
}

// CAChain returns the certificates without opening the key.
func (c *SignerCA) CAChain(context.Context) (*CAChainResponse, error) {
	return &CAChainResponse{Cert: c.Cert, Parents: c.Parents}, nil
}

// Fields: the template is written as given.
func (c *SignerCA) Fields() []Field { return AllFields() }
