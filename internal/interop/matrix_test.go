package interop

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// The constrained intermediate permits what the matrix leaves carry, so a
// failure is the stack disagreeing with crank, not a name outside.
func matrixConstraints() pki.NameConstraints {
	_, loop, _ := net.ParseCIDR("127.0.0.0/8")
	_, ten, _ := net.ParseCIDR("10.0.0.0/8")
	return pki.NameConstraints{
		Critical:           true,
		PermittedDNS:       []string{"crank.internal", "localhost"},
		PermittedURIDomain: []string{"crank.internal"},
		PermittedIPRanges:  []*net.IPNet{loop, ten},
	}
}

type hierarchy struct {
	root  *pki.Issuer
	inter *pki.Issuer
	peer  *x509.Certificate
	pkey  crypto.Signer
}

func newHierarchy(t *testing.T, alg pki.KeyAlgorithm, nc pki.NameConstraints, rootIss *pki.Issuer) hierarchy {
	t.Helper()
	now := time.Now().Add(-time.Minute).Truncate(time.Second)
	if rootIss == nil {
		key, err := pki.GenerateKey(alg)
		if err != nil {
			t.Fatal(err)
		}
		if rootIss, err = pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "Interop Root " + string(alg)}, Key: key, NotBefore: now, NotAfter: now.Add(24 * time.Hour), MaxPathLength: -1}, nil); err != nil {
			t.Fatal(err)
		}
	}
	key, err := pki.GenerateKey(alg)
	if err != nil {
		t.Fatal(err)
	}
	inter, err := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "Interop Services CA " + string(alg)}, Key: key, NotBefore: now, NotAfter: now.Add(23 * time.Hour), MaxPathLength: 0, NameConstraints: nc,
		Pointers: pki.Pointers{CRLDistributionPoints: []string{"http://pki.crank.internal/services.crl"}, IssuingCertificateURLs: []string{"http://pki.crank.internal/services.der"}}}, rootIss)
	if err != nil {
		t.Fatal(err)
	}
	pkey, err := pki.GenerateKey(pki.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	peer, err := pki.IssueLeaf(inter, pki.LeafRequest{
		Subject: pki.DefaultLeafSubject([]string{"localhost"}), PublicKey: pkey.Public(), URIs: []*url.URL{mustURL("spiffe://crank.internal/peer")},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, Usages: []pki.Usage{pki.UsageClient, pki.UsageServer},
		NotBefore: now, NotAfter: now.Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	return hierarchy{root: rootIss, inter: inter, peer: peer, pkey: pkey}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

type row struct {
	name     string
	usages   []pki.Usage
	dns      []string
	ips      []net.IP
	hostname bool
}

var rows = []row{
	{name: "default", usages: []pki.Usage{pki.UsageClient, pki.UsageServer}},
	{name: "client-only", usages: []pki.Usage{pki.UsageClient}},
	{name: "server-dns-ip", usages: []pki.Usage{pki.UsageServer}, dns: []string{"billing.crank.internal", "localhost"}, ips: []net.IP{net.ParseIP("127.0.0.1")}, hostname: true},
}

type outcome struct{ alg, ca, row, check, err string }

var matrixTable func([]outcome) string

// TestInteropMatrix issues, with internal/pki, every key algorithm x
// {default usages, client-only, server with DNS and IP SANs} x {CA without
// constraints, CA with URI + DNS + IP constraints} and puts each through
// openssl verify -x509_strict, certtool --verify, a gnutls-serv/gnutls-cli
// mTLS handshake, a Python ssl mTLS handshake, Java PKIX validation and a
// Java SSLSocket mTLS handshake with the PKCS#12 keystore, Go's verifier and
// zlint's RFC 5280 lints.
func TestInteropMatrix(t *testing.T) {
	for _, tool := range [][2]string{{"openssl", "openssl"}, {"certtool", "gnutls-bin"}, {"gnutls-serv", "gnutls-bin"}, {"gnutls-cli", "gnutls-bin"}} {
		Tool(t, tool[0], tool[1])
	}
	zlint := Zlint(t)
	ns := NewNetns(t)
	base := t.TempDir()

	var cases []*Case
	var intermediates []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, alg := range pki.KeyAlgorithms() {
		wg.Add(1)
		go func(alg pki.KeyAlgorithm) {
			defer wg.Done()
			plain := newHierarchy(t, alg, pki.NameConstraints{}, nil)
			constrained := newHierarchy(t, alg, matrixConstraints(), plain.root)
			leafKey, err := pki.GenerateKey(alg)
			if err != nil {
				t.Error(err)
				return
			}
			for _, h := range []struct {
				name string
				h    hierarchy
			}{{"plain-ca", plain}, {"constrained-ca", constrained}} {
				for _, r := range rows {
					now := time.Now().Add(-time.Minute).Truncate(time.Second)
					leaf, err := pki.IssueLeaf(h.h.inter, pki.LeafRequest{
						Subject: pki.DefaultLeafSubject(r.dns), PublicKey: leafKey.Public(), URIs: []*url.URL{mustURL("spiffe://crank.internal/billing")},
						DNSNames: r.dns, IPAddresses: r.ips, Usages: r.usages, NotBefore: now, NotAfter: now.Add(time.Hour),
					})
					if err != nil {
						t.Errorf("%s %s %s: crank refused to issue: %v", alg, h.name, r.name, err)
						continue
					}
					var roles []string
					for _, u := range r.usages {
						roles = append(roles, string(u))
					}
					c := &Case{Dir: filepath.Join(base, string(alg), h.name, r.name), Root: h.h.root.Root(), Intermediates: h.h.inter.Intermediates(),
						Leaf: leaf, LeafKey: leafKey, Peer: h.h.peer, PeerKey: h.h.pkey, Roles: roles, Hostname: r.hostname, Alias: "billing"}
					if err := c.Write(); err != nil {
						t.Error(err)
						continue
					}
					mu.Lock()
					cases = append(cases, c)
					if r.name == rows[0].name {
						p := filepath.Join(c.Dir, "inter.pem")
						intermediates = append(intermediates, p)
					}
					mu.Unlock()
				}
			}
		}(pki.KeyAlgorithm(alg))
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].Dir < cases[j].Dir })
	var dirs []string
	for _, c := range cases {
		dirs = append(dirs, c.Dir)
	}

	// The JVM and Python each take all cases in one process, while the
	// command-line checks run two at a time beside them.
	var java, python Results
	var side sync.WaitGroup
	side.Add(2)
	go func() { defer side.Done(); java = RunJava(t, dirs) }()
	go func() { defer side.Done(); python = RunPython(t, dirs) }()

	var results []outcome
	record := func(c *Case, check string, err error) {
		rel, _ := filepath.Rel(base, c.Dir)
		p := strings.Split(rel, string(filepath.Separator))
		o := outcome{alg: p[0], ca: p[1], row: p[2], check: check}
		if err != nil {
			o.err = err.Error()
		}
		mu.Lock()
		results = append(results, o)
		mu.Unlock()
	}
	sem := make(chan struct{}, 2)
	for _, c := range cases {
		wg.Add(1)
		go func(c *Case) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			record(c, "openssl verify -x509_strict", OpenSSLVerify(c.Dir, ""))
			for _, role := range c.Roles {
				purpose, oid, eku := "sslserver", ServerAuthOID, x509.ExtKeyUsageServerAuth
				if role == "client" {
					purpose, oid, eku = "sslclient", ClientAuthOID, x509.ExtKeyUsageClientAuth
				}
				record(c, "openssl verify -purpose "+purpose, OpenSSLVerify(c.Dir, purpose))
				record(c, "certtool --verify "+role, CerttoolVerify(c.Dir, oid))
				record(c, "go verify "+role, GoVerify(c, eku))
				if role == "server" {
					record(c, "gnutls mTLS, leaf serves", ns.GnuTLSHandshake(c.Dir, "leaf", "peer", c.Hostname))
				} else {
					record(c, "gnutls mTLS, leaf is client", ns.GnuTLSHandshake(c.Dir, "peer", "leaf", true))
				}
			}
			bad, err := ZlintErrors(zlint, filepath.Join(c.Dir, "leaf.pem"))
			if err == nil && len(bad) > 0 {
				err = fmt.Errorf("zlint RFC 5280 errors: %s", strings.Join(bad, ", "))
			}
			record(c, "zlint RFC 5280 (leaf)", err)
		}(c)
	}
	wg.Wait()
	side.Wait()
	for _, p := range intermediates {
		bad, err := ZlintErrors(zlint, p)
		if err != nil || len(bad) > 0 {
			t.Errorf("zlint %s: %v %v", p, err, bad)
		}
	}
	for _, c := range cases {
		checks := []string{"pkix"}
		for _, role := range c.Roles {
			checks = append(checks, "tls-leaf-"+role)
		}
		for _, check := range checks {
			if failure, ran := java.Get(c.Dir, check); !ran {
				record(c, "java "+check, fmt.Errorf("did not run"))
			} else if failure != "" {
				record(c, "java "+check, fmt.Errorf("%s", failure))
			} else {
				record(c, "java "+check, nil)
			}
			if check == "pkix" {
				continue
			}
			if failure, ran := python.Get(c.Dir, check); !ran {
				record(c, "python "+check, fmt.Errorf("did not run"))
			} else if failure != "" {
				record(c, "python "+check, fmt.Errorf("%s", failure))
			} else {
				record(c, "python "+check, nil)
			}
		}
		if failure, _ := java.Get(c.Dir, "alias"); failure != "" {
			t.Errorf("%s: keystore alias: %s", c.Dir, failure)
		}
	}

	sort.Slice(results, func(i, j int) bool {
		a, b := results[i], results[j]
		return a.alg+a.ca+a.row+a.check < b.alg+b.ca+b.row+b.check
	})
	passed := 0
	matrixTable = func(results []outcome) string {
		columns := []string{"openssl", "certtool", "gnutls", "python", "java pkix", "java tls", "go", "zlint"}
		type key struct{ alg, ca, row string }
		cells := map[key]map[string]string{}
		var keys []key
		for _, o := range results {
			k := key{o.alg, o.ca, o.row}
			if cells[k] == nil {
				cells[k] = map[string]string{}
				keys = append(keys, k)
			}
			col := strings.SplitN(o.check, " ", 2)[0]
			if col == "java" {
				col = "java tls"
				if strings.HasSuffix(o.check, "pkix") {
					col = "java pkix"
				}
			}
			mark := "ok"
			if o.err != "" {
				mark = "FAIL"
			}
			if prev := cells[k][col]; prev != "FAIL" {
				cells[k][col] = mark
			}
		}
		var b strings.Builder
		b.WriteString("| key | CA | leaf | " + strings.Join(columns, " | ") + " |\n")
		for _, k := range keys {
			b.WriteString("| " + k.alg + " | " + k.ca + " | " + k.row + " |")
			for _, c := range columns {
				b.WriteString(" " + cells[k][c] + " |")
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	for _, o := range results {
		// Every stack handles every algorithm here (Java 17 included, Ed25519
		// TLS too), so nothing is expected to fail; docs/guides/interop.md says so.
		if o.err == "" {
			passed++
		} else {
			t.Errorf("%s %s %s: %s: %s", o.alg, o.ca, o.row, o.check, o.err)
		}
	}
	t.Logf("interop matrix: %d cases, %d checks, %d passed\n%s", len(cases), len(results), passed, matrixTable(results))
	if len(cases) != len(pki.KeyAlgorithms())*2*len(rows) || !slices.ContainsFunc(results, func(o outcome) bool { return strings.HasPrefix(o.check, "gnutls") }) {
		t.Errorf("matrix incomplete: %d cases", len(cases))
	}
}
