package provider

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

type crlFixture struct {
	t     *testing.T
	start time.Time
	ca    *pki.Issuer
	other *pki.Issuer
}

func newCRLFixture(t *testing.T) *crlFixture {
	t.Helper()
	start := time.Now().Truncate(time.Second)
	mk := func(cn string) *pki.Issuer {
		key, _ := pki.GenerateKey(pki.ECDSAP256)
		iss, err := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: cn}, Key: key, NotBefore: start, NotAfter: start.Add(365 * 24 * time.Hour), MaxPathLength: -1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return iss
	}
	return &crlFixture{t: t, start: start, ca: mk("CRL unit CA"), other: mk("Other CA")}
}

func (f *crlFixture) leaf(by *pki.Issuer, svc string, validity time.Duration) *x509.Certificate {
	f.t.Helper()
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	u, _ := url.Parse("spiffe://example.org/" + svc)
	c, err := pki.IssueLeaf(by, pki.LeafRequest{Subject: pkix.Name{CommonName: svc}, PublicKey: key.Public(), URIs: []*url.URL{u}, Usages: []pki.Usage{pki.UsageServer}, NotBefore: f.start, NotAfter: f.start.Add(validity)})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func pemOf(c *x509.Certificate) types.String { return types.StringValue(pki.EncodeCertsPEM(c)) }

func serialOf(c *x509.Certificate) string { return pki.FormatSerial(c.SerialNumber) }

// TestEffectiveRevocationsTracked follows certificates that leave the
// tracked set: replaced ones are superseded, gone ones ceased operation,
// both stay listed until they would have expired, and a change of issuer
// drops what belonged to the old one.
func TestEffectiveRevocationsTracked(t *testing.T) {
	f := newCRLFixture(t)
	day := 24 * time.Hour
	billing := f.leaf(f.ca, "billing", 30*day)
	renewed := f.leaf(f.ca, "billing", 30*day)
	ledger := f.leaf(f.ca, "ledger", 10*day)
	caID := pki.HexID(f.ca.Cert.SubjectKeyId)

	now := f.start.Add(day)
	got, diags := effectiveRevocations(crlInputs{
		issuer: f.ca.Cert, tracked: []types.String{pemOf(renewed)},
		priorIssuer: caID, priorTracked: []types.String{pemOf(billing), pemOf(ledger)}, now: now,
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	want := map[string]string{serialOf(billing): pki.ReasonSuperseded, serialOf(ledger): pki.ReasonCessationOfOperation}
	if len(got) != 2 {
		t.Fatalf("got %+v, want billing superseded and ledger gone", got)
	}
	for _, r := range got {
		if want[r.Serial] != r.Reason || r.Source != crlSourceTracked || r.RevokedAt != rfc3339(now) || !r.fresh {
			t.Errorf("entry %+v, want reason %q, source tracked, revoked at %s", r, want[r.Serial], rfc3339(now))
		}
	}

	// Later runs keep them, with their time, until the certificate expires.
	later := func(at time.Time, priorIssuer string, tracked ...types.String) []crlRevocation {
		out, diags := effectiveRevocations(crlInputs{issuer: f.ca.Cert, tracked: tracked, priorIssuer: priorIssuer, priorTracked: []types.String{pemOf(renewed)}, prior: got, now: at})
		if diags.HasError() {
			t.Fatal(diags)
		}
		return out
	}
	if kept := later(f.start.Add(5*day), caID, pemOf(renewed)); !sameRevocations(kept, got) {
		t.Fatalf("day 5: %+v, want %+v", kept, got)
	}
	if kept := later(f.start.Add(11*day), caID, pemOf(renewed)); len(kept) != 1 || kept[0].Serial != serialOf(billing) {
		t.Fatalf("day 11: %+v, want only billing (ledger expired on day 10)", kept)
	}
	// An apply keeps what its plan showed, even if the certificate expired since.
	applied, _ := effectiveRevocations(crlInputs{issuer: f.ca.Cert, tracked: []types.String{pemOf(renewed)}, priorIssuer: caID, prior: got, now: f.start.Add(11 * day), planned: map[string]bool{serialOf(ledger): true, serialOf(billing): true}})
	if !sameRevocations(applied, got) {
		t.Fatalf("apply after the plan: %+v, want %+v", applied, got)
	}
	if kept := later(f.start.Add(5*day), "AA:BB", pemOf(renewed)); len(kept) != 0 {
		t.Fatalf("after an issuer change: %+v, want the old issuer's entries dropped", kept)
	}
	if kept := later(f.start.Add(5*day), caID, pemOf(renewed), pemOf(ledger)); len(kept) != 1 || kept[0].Serial != serialOf(billing) {
		t.Fatalf("ledger tracked again: %+v, want it no longer listed", kept)
	}
}

// TestEffectiveRevocationsExplicit checks the explicit entries: defaults,
// remembered times, and every refusal naming its attribute.
func TestEffectiveRevocationsExplicit(t *testing.T) {
	f := newCRLFixture(t)
	mine := f.leaf(f.ca, "billing", 30*24*time.Hour)
	foreign := f.leaf(f.other, "billing", 30*24*time.Hour)
	caID := pki.HexID(f.ca.Cert.SubjectKeyId)
	now := f.start.Add(time.Hour)
	entry := func(serial, cert, reason, at string) crlRevokedModel {
		opt := func(s string) types.String {
			if s == "" {
				return types.StringNull()
			}
			return types.StringValue(s)
		}
		return crlRevokedModel{Serial: opt(serial), CertificatePEM: opt(cert), Reason: opt(reason), RevokedAt: opt(at)}
	}
	minePEM := pki.EncodeCertsPEM(mine)

	got, diags := effectiveRevocations(crlInputs{
		issuer: f.ca.Cert, now: now, priorIssuer: caID,
		prior: []crlRevocation{{Serial: "10:00", Reason: "unspecified", RevokedAt: "2025-01-01T00:00:00Z", Source: crlSourceRevoked}},
		revoked: []crlRevokedModel{
			entry("4096", "", "", ""),
			entry("", minePEM, "keyCompromise", "2025-03-04T05:06:07+01:00"),
		},
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if len(got) != 2 {
		t.Fatalf("got %+v", got)
	}
	byID := map[string]crlRevocation{got[0].Serial: got[0], got[1].Serial: got[1]}
	if r := byID["10:00"]; r.Reason != "unspecified" || r.RevokedAt != "2025-01-01T00:00:00Z" {
		t.Errorf("serial 4096: %+v, want the remembered time and reason unspecified", r)
	}
	if r := byID[serialOf(mine)]; r.Reason != "keyCompromise" || r.RevokedAt != "2025-03-04T04:06:07Z" || r.CertificateNotAfter != rfc3339(mine.NotAfter) {
		t.Errorf("certificate entry: %+v", r)
	}

	bad := []struct {
		name    string
		in      crlInputs
		path    string
		message string
	}{
		{"foreign certificate", crlInputs{revoked: []crlRevokedModel{entry("", pki.EncodeCertsPEM(foreign), "", "")}}, "revoked[0].certificate_pem", "revoked serial of another issuer"},
		{"bad serial", crlInputs{revoked: []crlRevokedModel{entry("xyz", "", "", "")}}, "revoked[0].serial", `revoked[0].serial = "xyz": neither hexadecimal nor a decimal number`},
		{"bad reason", crlInputs{revoked: []crlRevokedModel{entry("5", "", "compromised", "")}}, "revoked[0].reason", "Use one of unspecified, keyCompromise"},
		{"removeFromCRL", crlInputs{revoked: []crlRevokedModel{entry("5", "", "removeFromCRL", "")}}, "revoked[0].reason", "delta CRLs"},
		{"bad time", crlInputs{revoked: []crlRevokedModel{entry("5", "", "", "yesterday")}}, "revoked[0].revoked_at", "not an RFC 3339 time"},
		{"duplicate", crlInputs{revoked: []crlRevokedModel{entry(serialOf(mine), "", "", ""), entry("", minePEM, "", "")}}, "revoked[1]", "listed in both revoked[0] and revoked[1]"},
		{"serial differs from certificate", crlInputs{revoked: []crlRevokedModel{entry("5", minePEM, "", "")}}, "revoked[0].serial", "but certificate_pem has serial"},
		{"empty entry", crlInputs{revoked: []crlRevokedModel{entry("", "", "superseded", "")}}, "revoked[0]", "sets neither serial nor certificate_pem"},
		{"foreign tracked certificate", crlInputs{tracked: []types.String{pemOf(foreign)}}, "tracked_certificates[0]", "revoked serial of another issuer"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			c.in.issuer, c.in.now = f.ca.Cert, now
			_, diags := effectiveRevocations(c.in)
			if !diags.HasError() || len(diags) != 1 {
				t.Fatalf("diagnostics %v, want one error", diags)
			}
			d := diags[0]
			p, ok := d.(diag.DiagnosticWithPath)
			if !ok || p.Path().String() != c.path || !strings.Contains(d.Detail(), c.message) {
				t.Fatalf("%s at %v: %s; want %s at %s", d.Summary(), p.Path(), d.Detail(), c.message, c.path)
			}
		})
	}
}

// TestCRLRefreshCheck walks a 3-day CRL: quiet, due in its last third, and
// expired, each plan after the first two thirds warning.
func TestCRLRefreshCheck(t *testing.T) {
	start := time.Now().Truncate(time.Second)
	state := &crlModel{
		ThisUpdate: types.StringValue(rfc3339(start)), NextUpdateAt: types.StringValue(rfc3339(start.Add(72 * time.Hour))),
		CRLNumber: types.Int64Value(4),
	}
	for _, c := range []struct {
		at      time.Duration
		due     bool
		warning string
	}{
		{47 * time.Hour, false, ""},
		{48 * time.Hour, true, "this plan signs CRL number 5"},
		{73 * time.Hour, true, "has already expired"},
	} {
		var diags diag.Diagnostics
		due := refreshCheck(state, `"CN=CA"`, start.Add(c.at), &diags)
		if due != c.due || diags.HasError() {
			t.Fatalf("at %s: due %v (%v), want %v", c.at, due, diags, c.due)
		}
		if c.warning == "" && len(diags) > 0 || c.warning != "" && (len(diags) != 1 || !strings.Contains(diags[0].Detail(), c.warning)) {
			t.Fatalf("at %s: diagnostics %v, want %q", c.at, diags, c.warning)
		}
	}
}
