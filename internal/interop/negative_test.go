package interop

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// TestNegativeMatrix signs leaves outside the constrained intermediate's
// name constraints directly with its key, bypassing crank's policy, and
// checks who rejects them. OpenSSL, Java, Go and crank's plan-time check
// reject every name outside; GnuTLS 3.7 ignores URI constraints (it accepts
// the certificate and completes a handshake with it), which the docs state,
// so this test keeps that caveat true. The common-name case is what Java and
// GnuTLS read as a DNS name and Go and OpenSSL do not.
func TestNegativeMatrix(t *testing.T) {
	Tool(t, "openssl", "openssl")
	Tool(t, "certtool", "gnutls-bin")
	ns := NewNetns(t)
	h := newHierarchy(t, pki.ECDSAP256, matrixConstraints(), nil)
	inside := mustURL("spiffe://crank.internal/billing")
	type want struct{ openssl, gnutls, java, golang, crank bool } // true: rejects
	cases := []struct {
		name string
		tmpl x509.Certificate
		want want
	}{
		{"dns-outside", x509.Certificate{URIs: []*url.URL{inside}, DNSNames: []string{"billing.evil.example"}}, want{true, true, true, true, true}},
		{"ip-outside", x509.Certificate{URIs: []*url.URL{inside}, IPAddresses: []net.IP{net.ParseIP("192.168.1.10")}}, want{true, true, true, true, true}},
		{"uri-outside", x509.Certificate{URIs: []*url.URL{mustURL("spiffe://evil.example/billing")}}, want{openssl: true, gnutls: false, java: true, golang: true, crank: true}},
		// The pre-schema-v1 default: CN = service name, no DNS SAN.
		{"cn-outside", x509.Certificate{Subject: pkix.Name{CommonName: "billing"}, URIs: []*url.URL{inside}}, want{openssl: false, gnutls: true, java: true, golang: false, crank: true}},
		// OpenSSL checks a CN too, once it looks like a host name with a dot.
		{"cn-fqdn-outside", x509.Certificate{Subject: pkix.Name{CommonName: "billing.evil.example"}, URIs: []*url.URL{inside}}, want{openssl: true, gnutls: true, java: true, golang: false, crank: true}},
		{"cn-fqdn-outside-beside-dns-san", x509.Certificate{Subject: pkix.Name{CommonName: "billing.evil.example"}, URIs: []*url.URL{inside}, DNSNames: []string{"billing.crank.internal"}}, want{}}, // beside a DNS SAN no stack reads the CN, nor does crank
	}
	key, err := pki.GenerateKey(pki.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(-time.Minute).Truncate(time.Second)
	var dirs []string
	built := map[string]*Case{}
	for i, c := range cases {
		tmpl := c.tmpl
		tmpl.SerialNumber = big.NewInt(int64(1000 + i))
		tmpl.NotBefore, tmpl.NotAfter = now, now.Add(time.Hour)
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}
		der, err := x509.CreateCertificate(rand.Reader, &tmpl, h.inter.Cert, key.Public(), h.inter.Key)
		if err != nil {
			t.Fatal(err)
		}
		leaf, _ := x509.ParseCertificate(der)
		cs := &Case{Dir: filepath.Join(t.TempDir(), c.name), Root: h.root.Root(), Intermediates: h.inter.Intermediates(), Leaf: leaf, LeafKey: key, Peer: h.peer, PeerKey: h.pkey}
		if err := cs.Write(); err != nil {
			t.Fatal(err)
		}
		built[c.name] = cs
		dirs = append(dirs, cs.Dir)
	}
	java := RunJava(t, dirs)
	for _, c := range cases {
		cs := built[c.name]
		got := want{
			openssl: OpenSSLVerify(cs.Dir, "") != nil,
			gnutls:  CerttoolVerify(cs.Dir, ServerAuthOID) != nil,
			golang:  GoVerify(cs, x509.ExtKeyUsageAny) != nil,
			crank: pki.CheckLeaf(h.inter, pki.LeafRequest{Subject: cs.Leaf.Subject, PublicKey: cs.Leaf.PublicKey, URIs: cs.Leaf.URIs, DNSNames: cs.Leaf.DNSNames, IPAddresses: cs.Leaf.IPAddresses,
				Usages: []pki.Usage{pki.UsageClient, pki.UsageServer}, NotBefore: cs.Leaf.NotBefore, NotAfter: cs.Leaf.NotAfter}) != nil,
		}
		failure, ran := java.Get(cs.Dir, "pkix")
		if !ran {
			t.Fatalf("%s: Java PKIX did not run", c.name)
		}
		got.java = failure != ""
		if got != c.want {
			t.Errorf("%s: rejected by (openssl, gnutls, java, go, crank) = %+v, want %+v (java: %s)", c.name, got, c.want, failure)
		}
	}
	// The GnuTLS URI caveat goes as far as a completed mutual-TLS handshake.
	if err := ns.GnuTLSHandshake(built["uri-outside"].Dir, "peer", "leaf", true); err != nil {
		t.Errorf("GnuTLS no longer accepts a client outside the URI constraints (%v): GnuTLS now enforces them; update docs/guides/interop.md and this test", err)
	}
}
