package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestMatchDNSName(t *testing.T) {
	cases := []struct {
		name, constraint string
		want             bool
	}{
		{"example.com", "example.com", true},
		{"a.example.com", "example.com", true},
		{"a.b.example.com", "example.com", true},
		{"badexample.com", "example.com", false},
		{"example.com", ".example.com", false},
		{"a.example.com", ".example.com", true},
		{"A.Example.COM.", "example.com", true},
		{"example.org", "example.com", false},
	}
	for _, c := range cases {
		if got := matchDNSName(c.name, c.constraint); got != c.want {
			t.Errorf("matchDNSName(%q, %q) = %v, want %v", c.name, c.constraint, got, c.want)
		}
	}
}

func TestMatchURIHostIsStrict(t *testing.T) {
	// RFC 5280: without a leading dot the constraint is one host only, which
	// is what OpenSSL enforces; Go's verifier is looser, we must not be.
	cases := []struct {
		host, constraint string
		want             bool
	}{
		{"example.org", "example.org", true},
		{"prod.example.org", "example.org", false},
		{"prod.example.org", ".example.org", true},
		{"example.org", ".example.org", false},
	}
	for _, c := range cases {
		if got := matchURIHost(c.host, c.constraint); got != c.want {
			t.Errorf("matchURIHost(%q, %q) = %v, want %v", c.host, c.constraint, got, c.want)
		}
	}
}

func newRoot(t *testing.T, nc NameConstraints, validity time.Duration) *Issuer {
	t.Helper()
	key, err := GenerateKey(ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	iss, err := CreateCA(CARequest{Subject: pkix.Name{CommonName: "root"}, Key: key, NotBefore: now, NotAfter: now.Add(validity), MaxPathLength: -1, NameConstraints: nc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return iss
}

func leafRequest(t *testing.T, spiffe string, dns []string, ips []string, validity time.Duration) LeafRequest {
	t.Helper()
	key, err := GenerateKey(ED25519)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(spiffe)
	var parsed []net.IP
	for _, ip := range ips {
		parsed = append(parsed, net.ParseIP(ip))
	}
	now := time.Now().Truncate(time.Second)
	return LeafRequest{Subject: pkix.Name{CommonName: "svc"}, PublicKey: key.Public(), URIs: []*url.URL{u}, DNSNames: dns, IPAddresses: parsed, Usages: []Usage{UsageServer, UsageClient}, NotBefore: now, NotAfter: now.Add(validity)}
}

func TestIssueLeafPolicy(t *testing.T) {
	_, tenSlash8, _ := net.ParseCIDR("10.0.0.0/8")
	root := newRoot(t, NameConstraints{Critical: true, PermittedDNS: []string{"svc.internal"}, ExcludedDNS: []string{"db.svc.internal"}, PermittedURIDomain: []string{"example.org"}, PermittedIPRanges: []*net.IPNet{tenSlash8}}, 30*24*time.Hour)
	cases := []struct {
		name    string
		req     LeafRequest
		attr    string
		problem string
	}{
		{"ok", leafRequest(t, "spiffe://example.org/billing", []string{"billing.svc.internal"}, []string{"10.1.2.3"}, time.Hour), "", ""},
		{"dns outside", leafRequest(t, "spiffe://example.org/billing", []string{"billing.example.com"}, nil, time.Hour), "dns_names", "not inside"},
		{"dns excluded", leafRequest(t, "spiffe://example.org/billing", []string{"x.db.svc.internal"}, nil, time.Hour), "dns_names", "excluded"},
		{"uri subdomain not permitted", leafRequest(t, "spiffe://prod.example.org/billing", nil, nil, time.Hour), "spiffe_id", "not inside"},
		{"ip outside", leafRequest(t, "spiffe://example.org/billing", nil, []string{"192.168.0.1"}, time.Hour), "ip_addresses", "not inside"},
		{"outlives issuer", leafRequest(t, "spiffe://example.org/billing", nil, nil, 31*24*time.Hour), "validity", "outlive its issuer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cert, err := IssueLeaf(root, c.req)
			if c.attr == "" {
				if err != nil {
					t.Fatalf("unexpected refusal: %v", err)
				}
				if !PublicKeysEqual(cert.PublicKey, c.req.PublicKey) || cert.IsCA || len(cert.ExtKeyUsage) != 2 {
					t.Fatalf("issued certificate has the wrong key, CA flag or EKUs")
				}
				if string(cert.AuthorityKeyId) != string(root.Cert.SubjectKeyId) || len(cert.SubjectKeyId) == 0 {
					t.Fatal("AKI must equal the issuer SKI and SKI must be set")
				}
				return
			}
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("want a PolicyError, got %v", err)
			}
			if pe.Attribute != c.attr || !strings.Contains(pe.Error(), c.problem) {
				t.Fatalf("got attribute %q message %q; want %q containing %q", pe.Attribute, pe.Error(), c.attr, c.problem)
			}
		})
	}
}

func TestIssuerCheck(t *testing.T) {
	root := newRoot(t, NameConstraints{}, time.Hour)
	other, _ := GenerateKey(ECDSAP256)
	if err := (&Issuer{Cert: root.Cert, Key: other}).Check(); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("mismatched key: got %v", err)
	}
	leaf, err := IssueLeaf(root, leafRequest(t, "spiffe://example.org/x", nil, nil, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if err := (&Issuer{Cert: leaf, Key: root.Key}).Check(); !errors.Is(err, ErrNotACA) {
		t.Fatalf("leaf as issuer: got %v", err)
	}
	stranger := newRoot(t, NameConstraints{}, time.Hour)
	if err := (&Issuer{Cert: root.Cert, Key: root.Key, Parents: []*x509.Certificate{stranger.Cert}}).Check(); !errors.Is(err, ErrBrokenParents) {
		t.Fatalf("foreign parent: got %v", err)
	}
}

func TestPathLengthPolicy(t *testing.T) {
	root := newRoot(t, NameConstraints{}, 48*time.Hour)
	key, _ := GenerateKey(ECDSAP256)
	now := time.Now().Truncate(time.Second)
	inter, err := CreateCA(CARequest{Subject: pkix.Name{CommonName: "inter"}, Key: key, NotBefore: now, NotAfter: now.Add(24 * time.Hour), MaxPathLength: 0}, root)
	if err != nil {
		t.Fatal(err)
	}
	if !inter.Cert.MaxPathLenZero || inter.Cert.MaxPathLen != 0 {
		t.Fatal("intermediate must carry pathlen:0")
	}
	key2, _ := GenerateKey(ECDSAP256)
	_, err = CreateCA(CARequest{Subject: pkix.Name{CommonName: "below"}, Key: key2, NotBefore: now, NotAfter: now.Add(time.Hour), MaxPathLength: 0}, inter)
	var pe *PolicyError
	if !errors.As(err, &pe) || !strings.Contains(pe.Error(), "max_path_length 0") {
		t.Fatalf("a CA below a pathlen:0 CA must be refused, got %v", err)
	}
}

func TestHandleRoundTrip(t *testing.T) {
	root := newRoot(t, NameConstraints{}, time.Hour)
	s, err := EncodeHandle(root)
	if err != nil {
		t.Fatal(err)
	}
	h, err := DecodeHandle(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := h.LocalIssuer("")
	if err != nil {
		t.Fatal(err)
	}
	if !back.Cert.Equal(root.Cert) || !PublicKeysEqual(back.Key.Public(), root.Key.Public()) {
		t.Fatal("handle did not round-trip")
	}
	for _, bad := range []string{"", "{}", `{"v":3,"backend":"local"}`, `{"v":1,"backend":"vault"}`, `{"v":1,"backend":"local","extra":1}`} {
		if _, err := DecodeHandle(bad); !errors.Is(err, ErrBadHandle) {
			t.Errorf("DecodeHandle(%q) = %v, want ErrBadHandle", bad, err)
		}
	}
}

func TestKeyIDIsRFC5280Method1(t *testing.T) {
	root := newRoot(t, NameConstraints{}, time.Hour)
	id, err := KeyID(root.Cert.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if string(id) != string(root.Cert.SubjectKeyId) || len(id) != 20 {
		t.Fatalf("KeyID = %x, certificate SKI = %x", id, root.Cert.SubjectKeyId)
	}
}

func TestAlgorithms(t *testing.T) {
	for _, name := range KeyAlgorithms() {
		if strings.HasPrefix(name, "RSA_4096") || strings.HasPrefix(name, "RSA_3072") {
			continue // slow to generate; AlgorithmOf covers sizes below
		}
		k, err := GenerateKey(KeyAlgorithm(name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := AlgorithmOf(k.Public())
		if err != nil || string(got) != name {
			t.Fatalf("AlgorithmOf(%s key) = %s, %v", name, got, err)
		}
		p, err := EncodePrivateKeyPEM(k)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParsePrivateKeyPEM(p)
		if err != nil || !PublicKeysEqual(back.Public(), k.Public()) {
			t.Fatalf("%s private key PEM round trip: %v", name, err)
		}
	}
	if _, err := GenerateKey("DSA"); err == nil || !strings.Contains(err.Error(), "accepted values") {
		t.Fatalf("unknown algorithm must list the accepted values, got %v", err)
	}
}

func TestVerifyChainReasons(t *testing.T) {
	root := newRoot(t, NameConstraints{}, time.Hour)
	other := newRoot(t, NameConstraints{}, time.Hour)
	leaf, err := IssueLeaf(root, leafRequest(t, "spiffe://example.org/x", nil, nil, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	leafPEM := EncodeCertsPEM(leaf)
	if r := VerifyChain(leafPEM, "", EncodeCertsPEM(root.Cert), time.Now()); !r.Valid || r.Reason != "ok" {
		t.Fatalf("valid chain: %+v", r)
	}
	if r := VerifyChain(leafPEM, "", EncodeCertsPEM(other.Cert), time.Now()); r.Valid || !strings.Contains(r.Reason, "not issued by") {
		t.Fatalf("wrong root: %+v", r)
	}
	if r := VerifyChain(leafPEM, "", EncodeCertsPEM(root.Cert), time.Now().Add(2*time.Hour)); r.Valid || !strings.Contains(r.Reason, "expired") {
		t.Fatalf("expired: %+v", r)
	}
	if r := VerifyChain(leafPEM, "", "", time.Now()); r.Valid || !strings.Contains(r.Reason, "no certificate given") {
		t.Fatalf("no roots: %+v", r)
	}
}
