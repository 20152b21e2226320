// Package issuer is crank's one interface to the CAs that sign certificates.
//
// It follows step-ca's cas/apiv1: a small required interface whose verbs take
// a request struct and return a response struct (so a new field never breaks
// every backend), optional abilities as separate one-method interfaces found
// by type assertion, and one package per backend that registers itself by
// type name. This package never imports a backend; the provider imports the
// ones it ships.
package issuer

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// Backend is what every CA behind an issuer handle can do.
type Backend interface {
	// Sign issues a certificate. Template says what the caller asks for;
	// CSR, when set, proves possession of the key Template.PublicKey names.
	Sign(ctx context.Context, req *SignRequest) (*SignResponse, error)
	// Revoke tells the CA a certificate is no longer valid.
	Revoke(ctx context.Context, req *RevokeRequest) (*RevokeResponse, error)
	// CAChain returns the issuing CA and the certificates above it. It never
	// needs the CA key, so plan-time checks can run without it.
	CAChain(ctx context.Context) (*CAChainResponse, error)
	// Fields lists the certificate fields this backend writes as asked.
	Fields() []Field
}

// LocalSigner is the optional ability of a backend whose CA key this process
// can use (in state, in a key file, or on a token it can log in to): child
// CAs and CRLs need it, because they are signed here, not by a remote CA.
type LocalSigner interface {
	LocalIssuer(ctx context.Context) (*pki.Issuer, error)
}

// SignRequest is one certificate to issue.
type SignRequest struct {
	Template pki.LeafRequest
	CSR      *x509.CertificateRequest
}

// SignResponse is the issued certificate and the intermediates a peer needs
// to chain it to Root (root excluded from Intermediates).
type SignResponse struct {
	Certificate   *x509.Certificate
	Intermediates []*x509.Certificate
	Root          *x509.Certificate
}

// RevokeRequest names a certificate to revoke. Reason is an RFC 5280
// CRLReason code.
type RevokeRequest struct {
	Serial      *big.Int
	Certificate *x509.Certificate
	Reason      int
}

// RevokeResponse is empty today; it exists so results can be added.
type RevokeResponse struct{}

// ErrAlreadyRevoked is wrapped by a backend whose CA answers that the
// certificate is revoked already: the state the caller asked for holds, so
// callers that only need "revoked" (destroy, a CRL's entries) go on.
var ErrAlreadyRevoked = errors.New("the CA has revoked this certificate already")

// CRLPublisher is the optional ability of a remote CA that signs its own
// CRL. This provider cannot sign one for it (the key is the CA's), so a
// crank_crl of such an issuer exposes the CA's current CRL, checked against
// the issuing CA certificate, instead.
type CRLPublisher interface {
	CRL(ctx context.Context) (*x509.RevocationList, error)
}

// RevokeOnDestroy is the optional ability of a backend whose handle asks
// for the certificates it issued to be revoked through the CA's API when
// their resource is destroyed or replaced.
type RevokeOnDestroy interface {
	RevokesOnDestroy() bool
}

// CAChainResponse is the issuing CA certificate and its parents, nearest
// first, the self-signed root last (empty Parents when Cert is the root).
type CAChainResponse struct {
	Cert    *x509.Certificate
	Parents []*x509.Certificate
}

// Issuer returns the chain as a keyless pki.Issuer, which the plan-time
// policy checks (validity, name constraints) take.
func (c *CAChainResponse) Issuer() *pki.Issuer {
	return &pki.Issuer{Cert: c.Cert, Parents: c.Parents}
}

// Field is a certificate field a configuration can ask for.
type Field string

const (
	FieldSubject     Field = "subject"
	FieldURIs        Field = "uri_sans"
	FieldDNSNames    Field = "dns_names"
	FieldIPAddresses Field = "ip_addresses"
	FieldUsages      Field = "usages"
	FieldValidity    Field = "validity"
)

// AllFields is what a backend that writes the template as given honours.
func AllFields() []Field {
	return []Field{FieldSubject, FieldURIs, FieldDNSNames, FieldIPAddresses, FieldUsages, FieldValidity}
}

// RequestedFields lists the fields a request actually sets, so a backend is
// only asked about what the user wrote.
func RequestedFields(r pki.LeafRequest) []Field {
	var out []Field
	if r.Subject.CommonName != "" || len(r.Subject.Organization)+len(r.Subject.OrganizationalUnit) > 0 {
		out = append(out, FieldSubject)
	}
	if len(r.URIs) > 0 {
		out = append(out, FieldURIs)
	}
	if len(r.DNSNames) > 0 {
		out = append(out, FieldDNSNames)
	}
	if len(r.IPAddresses) > 0 {
		out = append(out, FieldIPAddresses)
	}
	if len(r.Usages) > 0 {
		out = append(out, FieldUsages)
	}
	if !r.NotAfter.IsZero() {
		out = append(out, FieldValidity)
	}
	return out
}

// FieldError says a backend cannot write a field the configuration asks for.
// It is a plan-time error: the field is never silently dropped.
type FieldError struct {
	Backend string
	Field   Field
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("the %q issuer backend cannot honour %s: it would issue the certificate without it. Remove %s from the configuration, or issue through a backend that supports it", e.Backend, e.Field, e.Field)
}

// CheckFields returns a *FieldError for the first requested field the
// backend does not honour.
func CheckFields(backend string, b Backend, requested []Field) error {
	honoured := map[Field]bool{}
	for _, f := range b.Fields() {
		honoured[f] = true
	}
	for _, f := range requested {
		if !honoured[f] {
			return &FieldError{Backend: backend, Field: f}
		}
	}
	return nil
}

// ErrUnsupported is wrapped when a backend lacks an ability a caller needs.
var ErrUnsupported = errors.New("not supported by this issuer backend")

// UnsupportedError names the backend and the operation it cannot do.
type UnsupportedError struct {
	Backend, Operation, Hint string
}

func (e *UnsupportedError) Error() string {
	msg := fmt.Sprintf("the %q issuer backend cannot %s", e.Backend, e.Operation)
	if e.Hint != "" {
		msg += ": " + e.Hint
	}
	return msg
}

func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

// Local returns the signing CA of a backend that has the LocalSigner
// ability, and a clear error naming the backend otherwise.
func Local(ctx context.Context, name string, b Backend, purpose string) (*pki.Issuer, error) {
	ls, ok := b.(LocalSigner)
	if !ok {
		return nil, &UnsupportedError{Backend: name, Operation: purpose, Hint: "its CA key is held by the remote CA, so this provider cannot sign with it. Use a crank_ca (key_storage \"state\", \"file\" or \"pkcs11\") for this"}
	}
	return ls.LocalIssuer(ctx)
}

func names(m map[string]Factory) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return strings.Join(out, ", ")
}

// RequestChecker is the optional ability of a backend to refuse, before
// anything is sent, a request it would not honour exactly as asked even
// though it supports every field in it (a fixed set of key usages, say).
type RequestChecker interface {
	CheckRequest(pki.LeafRequest) error
}

// CheckRequest runs CheckFields and, where the backend has it, its own
// RequestChecker: the one call a caller needs before Sign.
func CheckRequest(name string, b Backend, r pki.LeafRequest) error {
	if err := CheckFields(name, b, RequestedFields(r)); err != nil {
		return err
	}
	if rc, ok := b.(RequestChecker); ok {
		return rc.CheckRequest(r)
	}
	return nil
}

// LeafCSR is the CSR of a request, for backends that sign only CSRs: the
// request's subject and SANs, signed by the certificate's own key.
func LeafCSR(key crypto.Signer, r pki.LeafRequest) (*x509.CertificateRequest, error) {
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: r.Subject, URIs: r.URIs, DNSNames: r.DNSNames, IPAddresses: r.IPAddresses}, key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificateRequest(der)
}
