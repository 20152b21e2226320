package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var _ function.Function = (*pkcs12EncodeFunction)(nil)

type pkcs12EncodeFunction struct{}

// NewPKCS12EncodeFunction is the pkcs12_encode function factory.
func NewPKCS12EncodeFunction() function.Function { return &pkcs12EncodeFunction{} }

func (f *pkcs12EncodeFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "pkcs12_encode"
}

func (f *pkcs12EncodeFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Bundle a certificate and its key as a PKCS#12 keystore",
		MarkdownDescription: "Returns a base64-encoded PKCS#12 (`.p12`/`.pfx`) keystore holding the certificate, its private key and the intermediates, for Java and .NET services. " +
			"Encryption is modern: AES-256-CBC with PBKDF2-HMAC-SHA-256 for key and certificates and an HMAC-SHA-256 MAC, readable by OpenSSL 3 (`openssl pkcs12 -info`) and Java 11+ (`keytool -list -storetype PKCS12`) without legacy options. " +
			"Write it with `filebase64`'s counterpart, for example a secret store's binary field, or `base64decode` where bytes are accepted.\n\n" +
			"The key entry carries the PKCS#9 `localKeyId` (SHA-1 of the certificate, also on the certificate) and a `friendlyName`, which Java and `keytool` show as the alias: " +
			"by default the service name of a crank certificate (the path of its SPIFFE ID, such as `billing`), else its first DNS name or common name; pass `friendly_name` to choose another. " +
			"The certificate bags are encrypted and carry `localKeyId` only.\n\n" +
			"~> The result contains the private key, protected only by `password`: treat it as a secret.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "cert_pem", MarkdownDescription: "The certificate, PEM (for example `crank_certificate.svc.cert_pem`)."},
			function.StringParameter{Name: "key_pem", MarkdownDescription: "Its private key, PEM (`PRIVATE KEY`, `EC PRIVATE KEY` or `RSA PRIVATE KEY`).", AllowNullValue: false},
			function.StringParameter{Name: "chain_pem", MarkdownDescription: "Intermediate CA certificates, PEM; may be empty. A leading copy of the certificate itself (as in `crank_certificate.chain_pem`) is dropped."},
			function.StringParameter{Name: "password", MarkdownDescription: "Keystore password; must not be empty."},
		},
		VariadicParameter: function.StringParameter{Name: "friendly_name", MarkdownDescription: "Optional: the alias (PKCS#9 friendlyName) of the key entry. At most one value; defaults to the certificate's service name."},
		Return:            function.StringReturn{},
	}
}

func (f *pkcs12EncodeFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var certPEM, keyPEM, chainPEM, password string
	var names []string
	resp.Error = req.Arguments.Get(ctx, &certPEM, &keyPEM, &chainPEM, &password, &names)
	if resp.Error != nil {
		return
	}
	var opts pki.PKCS12Options
	switch len(names) {
	case 0:
	case 1:
		if names[0] == "" {
			resp.Error = function.NewArgumentFuncError(4, "friendly_name is empty. Omit it to use the service name, or pass the alias the service looks its key up by.")
			return
		}
		opts.FriendlyName = names[0]
	default:
		resp.Error = function.NewArgumentFuncError(4, fmt.Sprintf("friendly_name was given %d times; pass at most one alias.", len(names)))
		return
	}
	der, err := pki.EncodePKCS12(certPEM, keyPEM, chainPEM, password, opts)
	if err != nil {
		resp.Error = pkcs12ArgumentError(err)
		return
	}
	resp.Error = resp.Result.Set(ctx, base64.StdEncoding.EncodeToString(der))
}

func pkcs12ArgumentError(err error) *function.FuncError {
	msg := err.Error()
	switch {
	case errors.Is(err, pki.ErrEmptyPKCS12Password):
		return function.NewArgumentFuncError(3, "password: "+msg+". Pass a non-empty password, for example from a random_password or a secret store, and give the same password to the service.")
	case strings.HasPrefix(msg, "cert_pem"):
		return function.NewArgumentFuncError(0, msg+". Pass a PEM certificate such as crank_certificate.svc.cert_pem.")
	case strings.HasPrefix(msg, "chain_pem"):
		return function.NewArgumentFuncError(2, msg+". Pass PEM CA certificates, or \"\" for none.")
	}
	return function.NewArgumentFuncError(1, msg+". Pass the private key that belongs to cert_pem.")
}
