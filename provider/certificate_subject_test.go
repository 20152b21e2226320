package provider

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// TestSubjectChecksReplaceWhatJavaAndGnuTLSReject: a certificate in state
// with the old default CN = service name and no DNS SAN is replaced under a
// CA with DNS name constraints; one with a DNS SAN, or under a CA without
// DNS constraints, is kept.
func TestSubjectChecksReplaceWhatJavaAndGnuTLSReject(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	key, _ := pki.GenerateKey(pki.ECDSAP256)
	constrained, err := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "c"}, Key: key, NotBefore: now, NotAfter: now.Add(time.Hour), MaxPathLength: -1,
		NameConstraints: pki.NameConstraints{Critical: true, PermittedDNS: []string{"crank.internal"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := pki.CreateCA(pki.CARequest{Subject: pkix.Name{CommonName: "p"}, Key: key, NotBefore: now, NotAfter: now.Add(time.Hour), MaxPathLength: -1}, nil)
	legacyLeaf := func(iss *pki.Issuer, dns []string) *x509.Certificate {
		u, _ := url.Parse("spiffe://crank.internal/billing")
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(5), Subject: pkix.Name{CommonName: "billing"}, NotBefore: now, NotAfter: now.Add(time.Minute),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, URIs: []*url.URL{u}, DNSNames: dns}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, iss.Cert, key.Public(), iss.Key)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(der)
		return c
	}
	cases := []struct {
		name    string
		iss     *pki.Issuer
		dns     []string
		replace bool
	}{
		{"CN outside the DNS constraints", constrained, nil, true},
		{"CN beside a DNS SAN", constrained, []string{"billing.crank.internal"}, false},
		{"no DNS constraints", plain, nil, false},
	}
	for _, c := range cases {
		handle, _ := pki.EncodeHandle(c.iss)
		plan := certificateModel{Issuer: types.StringValue(handle), Service: types.StringValue("billing"), ReadyForRenewal: types.BoolValue(false)}
		state := plan
		var diags diag.Diagnostics
		replace := subjectChecks(&plan, &state, legacyLeaf(c.iss, c.dns), append([]*x509.Certificate{c.iss.Cert}, c.iss.Parents...), &diags)
		if (replace != nil) != c.replace {
			t.Errorf("%s: replace %v, want %v", c.name, replace, c.replace)
		}
		if c.replace && (diags.WarningsCount() != 1 || !strings.Contains(diags.Warnings()[0].Detail(), "Java") || !plan.ReadyForRenewal.ValueBool()) {
			t.Errorf("%s: want one warning naming Java and ready_for_renewal flipped, got %v %v", c.name, diags, plan.ReadyForRenewal)
		}
		if !c.replace && len(diags) != 0 {
			t.Errorf("%s: unexpected diagnostics %v", c.name, diags)
		}
	}
}

func TestUpgradeCertificateStateV0AddsSubject(t *testing.T) {
	v0 := `{"id":"01","service":"billing","cert_pem":"x"}`
	resp := &resource.UpgradeStateResponse{}
	upgradeCertificateStateV0(context.Background(), resource.UpgradeStateRequest{RawState: &tfprotov6.RawState{JSON: []byte(v0)}}, resp)
	if resp.Diagnostics.HasError() || resp.DynamicValue == nil {
		t.Fatalf("upgrade failed: %v", resp.Diagnostics)
	}
	var got map[string]any
	if err := json.Unmarshal(resp.DynamicValue.JSON, &got); err != nil {
		t.Fatal(err)
	}
	if v, ok := got["subject"]; !ok || v != nil || got["service"] != "billing" || got["cert_pem"] != "x" {
		t.Fatalf("upgraded state %v: want the old attributes and subject = null", got)
	}
}
