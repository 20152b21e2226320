package provider

import (
	"crypto/x509/pkix"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// TestRenewalChecks walks a 90-day certificate through its life: quiet,
// warned, due; and re-issued at once when the issuer's key changes.
func TestRenewalChecks(t *testing.T) {
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	start := time.Now().Truncate(time.Second)
	root, err := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "r"}, Key: key, NotBefore: start, NotAfter: start.Add(365 * 24 * time.Hour), MaxPathLength: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := pki.GenerateKey(pki.ECDSAP256)
	otherRoot, _ := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "r2"}, Key: other, NotBefore: start, NotAfter: start.Add(365 * 24 * time.Hour), MaxPathLength: -1}, nil)
	leafKey, _ := pki.GenerateKey(pki.ED25519)
	u, _ := url.Parse("spiffe://example.org/svc")
	leaf, err := pki.IssueLeaf(root, pki.LeafRequest{Subject: pkix.Name{CommonName: "svc"}, PublicKey: leafKey.Public(), URIs: []*url.URL{u}, Usages: []pki.Usage{pki.UsageServer}, NotBefore: start, NotAfter: start.Add(90 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	handle, _ := pki.EncodeHandle(root)
	otherHandle, _ := pki.EncodeHandle(otherRoot)
	day := 24 * time.Hour
	cases := []struct {
		name        string
		at          time.Duration
		issuer      string
		wantReplace string
		wantWarning string
	}{
		{"fresh", 1 * day, handle, "", ""},
		{"warned", 54 * day, handle, "", "Certificate renewal is near"},
		{"due", 60 * day, handle, "ready_for_renewal", "Certificate will be renewed"},
		{"issuer key changed", 1 * day, otherHandle, "issuer", "its issuer changed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &certificateResource{data: &providerData{renewalWarning: 7 * day, now: func() time.Time { return start.Add(c.at) }}}
			state := certificateModel{Service: types.StringValue("svc"), CertPEM: types.StringValue(pki.EncodeCertsPEM(leaf)), RenewBefore: durationOf("30d"), ReadyForRenewal: types.BoolValue(false), Issuer: types.StringValue(handle)}
			plan := state
			plan.Issuer = types.StringValue(c.issuer)
			var diags diag.Diagnostics
			replace := r.renewalChecks(&plan, &state, wanted{}, false, r.data.now(), &diags)
			got := ""
			if len(replace) > 0 {
				got = replace[0].String()
			}
			if got != c.wantReplace {
				t.Fatalf("replace on %q, want %q", got, c.wantReplace)
			}
			var summaries []string
			for _, d := range diags {
				summaries = append(summaries, d.Summary()+": "+d.Detail())
			}
			joined := strings.Join(summaries, "\n")
			if c.wantWarning == "" && len(diags) > 0 || c.wantWarning != "" && !strings.Contains(joined, c.wantWarning) {
				t.Fatalf("diagnostics %q, want %q", joined, c.wantWarning)
			}
			if diags.HasError() {
				t.Fatal("renewal must warn, never fail")
			}
		})
	}
}
