package issuer_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

func TestDecodeHandle(t *testing.T) {
	for _, tc := range []struct {
		name, in, backend, err string
		version                int
	}{
		{name: "version 1 is the local layout", in: `{"v":1,"backend":"local","cert":"AA=="}`, version: 1, backend: "local"},
		{name: "the local layout with pointers (pki v2) is still the local layout", in: `{"v":2,"backend":"local","cert":"AA=="}`, version: 1, backend: "local"},
		{name: "version 2 envelope", in: `{"v":2,"backend":"pkcs11","options":{"module":"/m.so"}}`, version: 2, backend: "pkcs11"},
		{name: "future version", in: `{"v":3,"backend":"local"}`, err: `version 3 of a "local" handle is not supported`},
		{name: "not JSON", in: `-----BEGIN CERTIFICATE-----`, err: "not the value of an \"issuer\" attribute"},
		{name: "version 2 without options", in: `{"v":2,"backend":"x"}`, err: "needs \"backend\" and \"options\""},
		{name: "version 2 with unknown member", in: `{"v":2,"backend":"x","options":{},"key":"secret"}`, err: "unknown field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := issuer.Decode(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, issuer.ErrBadHandle) {
					t.Fatalf("Decode = %v, want ErrBadHandle containing %q", err, tc.err)
				}
				return
			}
			if err != nil || h.Version != tc.version || h.Backend != tc.backend {
				t.Fatalf("Decode = %+v, %v", h, err)
			}
		})
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	s, err := issuer.Encode("example", map[string]string{"url": "https://ca.example"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := issuer.Decode(s)
	if err != nil || h.Version != 2 || h.Backend != "example" {
		t.Fatalf("Decode(Encode) = %+v, %v", h, err)
	}
	var opts struct{ URL string }
	if err := issuer.DecodeOptions("example", h.Options, &opts); err != nil || opts.URL != "https://ca.example" {
		t.Fatalf("options = %+v, %v", opts, err)
	}
	if err := issuer.DecodeOptions("example", []byte(`{"url":"x","pin":"1234"}`), &opts); err == nil {
		t.Fatal("an unknown option member was accepted")
	}
}

func TestUnknownBackendNamesTheBuiltIns(t *testing.T) {
	_, _, err := issuer.Resolve(context.Background(), `{"v":2,"backend":"acme","options":{}}`, func(string) string { return "" })
	if !errors.Is(err, pki.ErrBadHandle) || !strings.Contains(err.Error(), `backend "acme" is not built into this provider`) {
		t.Fatalf("Resolve = %v", err)
	}
}

// remoteOnly is a backend of this test: a CA that signs remotely and writes
// only SPIFFE URIs, the shape of a JWK-provisioned online CA without templates.
type remoteOnly struct{ issuer.Backend }

func (remoteOnly) Fields() []issuer.Field {
	return []issuer.Field{issuer.FieldURIs, issuer.FieldUsages, issuer.FieldValidity}
}

func TestCheckFieldsNamesBackendAndField(t *testing.T) {
	err := issuer.CheckFields("remote", remoteOnly{}, []issuer.Field{issuer.FieldURIs, issuer.FieldDNSNames})
	var fe *issuer.FieldError
	if !errors.As(err, &fe) || fe.Backend != "remote" || fe.Field != issuer.FieldDNSNames {
		t.Fatalf("CheckFields = %v", err)
	}
	if !strings.Contains(err.Error(), `"remote" issuer backend cannot honour dns_names`) {
		t.Fatalf("message: %v", err)
	}
	if err := issuer.CheckFields("remote", remoteOnly{}, []issuer.Field{issuer.FieldURIs}); err != nil {
		t.Fatal(err)
	}
	_, err = issuer.Local(context.Background(), "remote", remoteOnly{}, "sign a child CA")
	if !errors.Is(err, issuer.ErrUnsupported) || !strings.Contains(err.Error(), `"remote" issuer backend cannot sign a child CA`) {
		t.Fatalf("Local = %v", err)
	}
}

func TestRequestedFields(t *testing.T) {
	got := issuer.RequestedFields(pki.LeafRequest{DNSNames: []string{"a.example"}, Usages: []pki.Usage{pki.UsageServer}})
	if len(got) != 2 || got[0] != issuer.FieldDNSNames || got[1] != issuer.FieldUsages {
		t.Fatalf("RequestedFields = %v", got)
	}
}

func TestLeafCSRCarriesTheRequest(t *testing.T) {
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	csr, err := issuer.LeafCSR(key, pki.LeafRequest{DNSNames: []string{"a.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := csr.CheckSignature(); err != nil || len(csr.DNSNames) != 1 || !pki.PublicKeysEqual(csr.PublicKey, key.Public()) {
		t.Fatalf("CSR = %v, %v", csr.DNSNames, err)
	}
}
