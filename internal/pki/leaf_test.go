package pki

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLeafKeyUsagePerAlgorithmAndRole(t *testing.T) {
	both := []Usage{UsageClient, UsageServer}
	cases := []struct {
		alg    KeyAlgorithm
		usages []Usage
		want   x509.KeyUsage
	}{
		{RSA2048, both, x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment},
		{RSA2048, []Usage{UsageServer}, x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment},
		{RSA2048, []Usage{UsageClient}, x509.KeyUsageDigitalSignature},
		{ECDSAP256, both, x509.KeyUsageDigitalSignature},
		{ECDSAP384, []Usage{UsageClient}, x509.KeyUsageDigitalSignature},
		{ED25519, both, x509.KeyUsageDigitalSignature},
	}
	root := newRoot(t, NameConstraints{}, time.Hour)
	for _, c := range cases {
		key, err := GenerateKey(c.alg)
		if err != nil {
			t.Fatal(err)
		}
		req := leafRequest(t, "spiffe://example.org/svc", nil, nil, time.Minute)
		req.PublicKey, req.Usages = key.Public(), c.usages
		cert, err := IssueLeaf(root, req)
		if err != nil {
			t.Fatal(err)
		}
		if cert.KeyUsage != c.want {
			t.Errorf("%s %v: key usage %b, want %b", c.alg, c.usages, cert.KeyUsage, c.want)
		}
	}
	if root.Cert.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign {
		t.Errorf("CA key usage %b, want keyCertSign|cRLSign", root.Cert.KeyUsage)
	}
}

func TestDefaultLeafSubject(t *testing.T) {
	if got := DefaultLeafSubject(nil); got.String() != "" {
		t.Errorf("no DNS SAN: subject %q, want empty", got)
	}
	if got := DefaultLeafSubject([]string{"billing.svc.internal", "b.svc.internal"}); got.CommonName != "billing.svc.internal" {
		t.Errorf("subject %q, want CN = first DNS SAN", got)
	}
	root := newRoot(t, NameConstraints{}, time.Hour)
	req := leafRequest(t, "spiffe://example.org/svc", nil, nil, time.Minute)
	req.Subject = DefaultLeafSubject(nil)
	cert, err := IssueLeaf(root, req)
	if err != nil {
		t.Fatal(err)
	}
	// RFC 5280 4.2.1.6: an empty subject needs a critical SAN extension.
	var critical bool
	for _, e := range cert.Extensions {
		if e.Id.Equal([]int{2, 5, 29, 17}) {
			critical = e.Critical
		}
	}
	if len(cert.RawSubject) != 2 || !critical {
		t.Fatalf("empty subject (raw %x) must come with a critical SAN (critical=%v)", cert.RawSubject, critical)
	}
}

func TestCheckSubjectReadsCNLikeJavaAndGnuTLS(t *testing.T) {
	_, tenSlash8, _ := net.ParseCIDR("10.0.0.0/8")
	root := newRoot(t, NameConstraints{Critical: true, PermittedDNS: []string{"svc.internal"}, PermittedURIDomain: []string{"example.org"}, PermittedIPRanges: []*net.IPNet{tenSlash8}}, time.Hour)
	server, client := []Usage{UsageServer, UsageClient}, []Usage{UsageClient}
	cases := []struct {
		name   string
		cn     string
		dns    []string
		ips    []string
		usages []Usage
		stacks []string // empty: accepted
	}{
		{"empty subject", "", nil, nil, server, nil},
		{"CN inside the DNS constraints", "billing.svc.internal", nil, nil, server, nil},
		{"service name as CN, server", "billing", nil, nil, server, []string{"Java", "GnuTLS"}},
		{"service name as CN, client only", "billing", nil, nil, client, []string{"Java"}},
		{"CN with an IP SAN, server", "billing", nil, []string{"10.0.0.1"}, server, []string{"GnuTLS"}},
		{"CN with an IP SAN, client: nobody reads it", "billing", nil, []string{"10.0.0.1"}, client, nil},
		{"CN with a DNS SAN: nobody reads it", "billing", []string{"billing.svc.internal"}, nil, server, nil},
		{"CN that is no host name, client: Java skips it", "payments/billing", nil, nil, client, nil},
		{"IP literal CN outside the IP ranges", "192.168.1.1", nil, nil, client, []string{"Java"}},
		{"IP literal CN inside the IP ranges", "10.1.1.1", nil, nil, server, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ips []net.IP
			for _, ip := range c.ips {
				ips = append(ips, net.ParseIP(ip))
			}
			err := CheckSubject(root.Chain(), pkix.Name{CommonName: c.cn}, c.dns, ips, c.usages)
			if len(c.stacks) == 0 {
				if err != nil {
					t.Fatalf("unexpected refusal: %v", err)
				}
				return
			}
			var pe *PolicyError
			if !errors.As(err, &pe) || pe.Attribute != "subject" {
				t.Fatalf("want a subject PolicyError, got %v", err)
			}
			for _, s := range []string{"Java", "GnuTLS"} {
				if got, want := strings.Contains(pe.Problem, s), slices.Contains(c.stacks, s); got != want {
					t.Errorf("message %q names %s: %v, want %v", pe.Problem, s, got, want)
				}
			}
		})
	}
}

func TestPointersGoIntoWhatACASigns(t *testing.T) {
	rootPtr := Pointers{CRLDistributionPoints: []string{"http://pki.test/root.crl"}, IssuingCertificateURLs: []string{"http://pki.test/root.der"}, OCSPServers: []string{"http://ocsp.test/root"}}
	interPtr := Pointers{CRLDistributionPoints: []string{"http://pki.test/inter.crl"}, IssuingCertificateURLs: []string{"http://pki.test/inter.der"}}
	now := time.Now().Truncate(time.Second)
	rootKey, _ := GenerateKey(ECDSAP256)
	root, err := CreateCA(CARequest{Subject: pkix.Name{CommonName: "root"}, Key: rootKey, NotBefore: now, NotAfter: now.Add(time.Hour), MaxPathLength: -1, Pointers: rootPtr}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := PointersOf(root.Cert); len(got.CRLDistributionPoints)+len(got.OCSPServers)+len(got.IssuingCertificateURLs) != 0 {
		t.Errorf("a root's own certificate carries %+v; it has no parent to point at", got)
	}
	interKey, _ := GenerateKey(ECDSAP256)
	inter, err := CreateCA(CARequest{Subject: pkix.Name{CommonName: "inter"}, Key: interKey, NotBefore: now, NotAfter: now.Add(time.Hour), MaxPathLength: 0, Pointers: interPtr}, root)
	if err != nil {
		t.Fatal(err)
	}
	if got := PointersOf(inter.Cert); !equalPointers(got, rootPtr) {
		t.Errorf("intermediate carries %+v, want its parent's %+v", got, rootPtr)
	}
	// Through the handle, as the provider sees it.
	s, err := EncodeHandle(inter)
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
	leaf, err := IssueLeaf(back, leafRequest(t, "spiffe://example.org/svc", nil, nil, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got := PointersOf(leaf); !equalPointers(got, interPtr) {
		t.Errorf("leaf carries %+v, want its issuer's %+v", got, interPtr)
	}
}

// A version-1 handle comes from a release that wrote a CA's pointers into
// its own certificate; they are read back from there.
func TestLegacyHandlePointersComeFromTheCACertificate(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	key, _ := GenerateKey(ECDSAP256)
	ptr := Pointers{CRLDistributionPoints: []string{"http://pki.test/old.crl"}}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "old root"}, NotBefore: now, NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature, BasicConstraintsValid: true, IsCA: true, CRLDistributionPoints: ptr.CRLDistributionPoints}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	v1, _ := json.Marshal(map[string]any{"v": 1, "backend": "local", "cert": base64.StdEncoding.EncodeToString(der), "key": base64.StdEncoding.EncodeToString(keyDER)})
	h, err := DecodeHandle(string(v1))
	if err != nil {
		t.Fatal(err)
	}
	iss, err := h.LocalIssuer("")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := IssueLeaf(iss, leafRequest(t, "spiffe://example.org/svc", nil, nil, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if !equalPointers(PointersOf(leaf), ptr) {
		t.Errorf("leaf of a v1 issuer carries %+v, want %+v", PointersOf(leaf), ptr)
	}
	again, _ := EncodeHandle(iss)
	if h2, _ := DecodeHandle(again); h2.Version != HandleVersion || !slices.Equal(h2.CRLDistributionPoints, ptr.CRLDistributionPoints) {
		t.Errorf("re-encoded handle %+v, want version %d with the pointers", h2, HandleVersion)
	}
}

func equalPointers(a, b Pointers) bool {
	return slices.Equal(a.CRLDistributionPoints, b.CRLDistributionPoints) && slices.Equal(a.OCSPServers, b.OCSPServers) && slices.Equal(a.IssuingCertificateURLs, b.IssuingCertificateURLs)
}
