package certs

import (
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/certs/certstest"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// pkiFixture is a root, an intermediate under it and helpers to make
// inputs the way a chain file holds them (leaf first, then the CA).
type pkiFixture struct {
	root, inter *certstest.Cert
}

func newPKI(t *testing.T) *pkiFixture {
	t.Helper()
	root := certstest.CA(t, "Test Root", nil, certstest.Days(-10), certstest.Days(3650))
	inter := certstest.CA(t, "Test Services CA", root, certstest.Days(-10), certstest.Days(1825))
	return &pkiFixture{root: root, inter: inter}
}

func (p *pkiFixture) leaf(t *testing.T, nb, na time.Time) *certstest.Cert {
	t.Helper()
	return certstest.Leaf(t, "spiffe://prod.example.org/billing", p.inter, nb, na)
}

func chainInput(name string, cs ...*certstest.Cert) *Input {
	in := &Input{Name: name, Kind: KindPEM, Leaf: -1}
	for i, c := range cs {
		in.Certs = append(in.Certs, Cert{X509: c.Cert, Line: 1 + 12*i})
	}
	return in
}

func evaluate(t *testing.T, opts Options, inputs ...*Input) []findings.Finding {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.WarnDays == 0 && opts.FailDays == 0 {
		opts.WarnDays, opts.FailDays = DefaultWarnDays, DefaultFailDays
	}
	if err := opts.Validate(); err != nil {
		t.Fatal(err)
	}
	return Evaluate(inputs, opts)
}

func only(fs []findings.Finding, id string) []findings.Finding {
	var out []findings.Finding
	for _, f := range fs {
		if f.RuleID == id {
			out = append(out, f)
		}
	}
	return out
}

func dump(fs []findings.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.RuleID + " " + f.Severity.String() + " " + f.Message + "\n")
	}
	return b.String()
}

func TestCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range All() {
		if seen[r.ID] || !strings.HasPrefix(r.ID, "CERT") || r.Name == "" || r.Summary == "" || r.Why == "" || r.Check == nil {
			t.Errorf("%s: duplicate id, not CERTnnn, or missing name, summary, why or check", r.ID)
		}
		seen[r.ID] = true
	}
	docSync(t, "../docs/certs.md", Reference(), "TestCatalogue")
}

func TestValidateThresholds(t *testing.T) {
	for _, o := range []Options{{WarnDays: 5, FailDays: 10}, {WarnDays: -1}, {FailDays: -1, WarnDays: 3}} {
		if o.Validate() == nil {
			t.Errorf("%+v: accepted", o)
		}
	}
	if err := (Options{WarnDays: 30, FailDays: 30}).Validate(); err != nil {
		t.Errorf("equal thresholds: %v", err)
	}
}

// TestSubjectsOfABundle: a file of CA certificates only is a bundle whose
// every certificate is reported; a CA in a chain file is not.
func TestSubjectsOfABundle(t *testing.T) {
	p := newPKI(t)
	fs := evaluate(t, Options{Inventory: true}, chainInput("bundle.pem", p.inter, p.root))
	if n := len(only(fs, "CERT000")); n != 2 {
		t.Errorf("bundle: %d inventory lines, want 2\n%s", n, dump(fs))
	}
	fs = evaluate(t, Options{Inventory: true}, chainInput("chain.pem", p.leaf(t, certstest.Days(-1), certstest.Days(90)), p.inter))
	if n := len(only(fs, "CERT000")); n != 1 {
		t.Errorf("chain: %d inventory lines, want 1\n%s", n, dump(fs))
	}
}

// TestChainWalkIsBounded: certificates that all name one issuer, beside
// hundreds of same-named certificates that did not sign them, cost a
// bounded number of signature checks each, not one per candidate.
func TestChainWalkIsBounded(t *testing.T) {
	root := certstest.CA(t, "Shared Name", nil, certstest.Days(-1), certstest.Days(30))
	var decoys []*certstest.Cert
	for range 200 {
		decoys = append(decoys, certstest.CA(t, "Shared Name", nil, certstest.Days(-1), certstest.Days(30)))
	}
	leaf := certstest.Leaf(t, "spiffe://x.org/a", root, certstest.Days(-1), certstest.Days(30))
	// Without key identifiers every decoy is a candidate by name.
	leaf.Cert.AuthorityKeyId = nil
	set := []*x509.Certificate{leaf.Cert}
	for _, d := range decoys {
		set = append(set, d.Cert)
	}
	chain, checks := presentedChain(leaf.Cert, issuerIndex(set))
	if checks > maxIssuerTries*maxChain || len(chain) != 1 {
		t.Errorf("%d signature checks, chain of %d", checks, len(chain))
	}
	if chain, _ := presentedChain(leaf.Cert, issuerIndex([]*x509.Certificate{leaf.Cert, root.Cert})); len(chain) != 2 {
		t.Errorf("the real issuer is not found: chain of %d", len(chain))
	}
}
