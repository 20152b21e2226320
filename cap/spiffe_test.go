package cap

import (
	"strings"
	"testing"
)

func TestParseSPIFFEID(t *testing.T) {
	valid := []struct{ in, td, path string }{
		{"spiffe://example.org", "example.org", ""},
		{"spiffe://example.org/billing", "example.org", "/billing"},
		{"spiffe://a-b_c.9/ns/Prod/sa/Worker.v2-x_y", "a-b_c.9", "/ns/Prod/sa/Worker.v2-x_y"},
		{"spiffe://example.org/" + strings.Repeat("a", 2048-len("spiffe://example.org/")), "example.org", "/" + strings.Repeat("a", 2048-len("spiffe://example.org/"))},
	}
	for _, tc := range valid {
		got, err := ParseSPIFFEID(tc.in)
		if err != nil || got.TrustDomain != tc.td || got.Path != tc.path || got.String() != tc.in {
			t.Errorf("ParseSPIFFEID(%q) = %+v, %v", tc.in, got, err)
		}
	}
	invalid := []struct{ in, problem string }{
		{"", "must start with"},
		{"https://example.org/x", "must start with"},
		{"SPIFFE://example.org/x", "lowercase \"spiffe\""},
		{"spiffe://", "trust domain is empty"},
		{"spiffe:///x", "trust domain is empty"},
		{"spiffe://Example.org/x", "must be lowercase"},
		{"spiffe://example.org:8443/x", "port"},
		{"spiffe://user@example.org/x", "user info"},
		{"spiffe://example.org/x?q=1", "query"},
		{"spiffe://example.org/x#frag", "fragment"},
		{"spiffe://example.org/", "must not end with '/'"},
		{"spiffe://example.org/x/", "must not end with '/'"},
		{"spiffe://example.org//x", "empty segment"},
		{"spiffe://example.org/./x", "'.' or '..'"},
		{"spiffe://example.org/x/..", "'.' or '..'"},
		{"spiffe://example.org/a%20b", "percent-encoding"},
		{"spiffe://example.org/a b", "only A-Z"},
		{"spiffe://exa*mple.org/x", "only a-z"},
		{"spiffe://" + strings.Repeat("a", 256), "longer than 255"},
		{"spiffe://example.org/" + strings.Repeat("a", 2048), "longer than 2048"},
	}
	for _, tc := range invalid {
		_, err := ParseSPIFFEID(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.problem) {
			t.Errorf("ParseSPIFFEID(%.40q) error %v, want one mentioning %q", tc.in, err, tc.problem)
		}
	}
}

func TestHasPathPrefixIsSegmentAware(t *testing.T) {
	prefix := SPIFFEID{TrustDomain: "example.org", Path: "/billing"}
	tests := map[string]bool{
		"spiffe://example.org/billing":          true,
		"spiffe://example.org/billing/worker":   true,
		"spiffe://example.org/billing/a/b":      true,
		"spiffe://example.org/billing-v2":       false,
		"spiffe://example.org/billingworker":    false,
		"spiffe://example.org/bill":             false,
		"spiffe://other.org/billing/worker":     false,
		"spiffe://example.org/other/billing":    false,
		"spiffe://example.org/billing-v2/child": false,
	}
	for in, want := range tests {
		id, err := ParseSPIFFEID(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := id.HasPathPrefix(prefix); got != want {
			t.Errorf("%s under %s = %v, want %v", in, prefix, got, want)
		}
	}
}

func TestServiceID(t *testing.T) {
	got, err := ServiceID("example.org", "billing")
	if err != nil || got.String() != "spiffe://example.org/billing" {
		t.Fatalf("ServiceID = %v, %v", got, err)
	}
	for _, bad := range [][2]string{{"Example.org", "billing"}, {"example.org", "a/b"}, {"example.org", ""}, {"example.org", ".."}} {
		if _, err := ServiceID(bad[0], bad[1]); err == nil {
			t.Errorf("ServiceID(%q, %q) should fail", bad[0], bad[1])
		}
	}
}

// TestServiceNameErrorNamesTheCharacter: a non-ASCII character is named as
// typed ('í'), not as the first byte of its UTF-8 encoding ('Ã').
func TestServiceNameErrorNamesTheCharacter(t *testing.T) {
	for _, in := range []string{"spiffe://example.org/factur\u00edas", "spiffe://ex\u00e4mple.org/billing"} {
		_, err := ParseSPIFFEID(in)
		if err == nil {
			t.Fatalf("ParseSPIFFEID(%q) accepted a non-ASCII character", in)
		}
		if strings.Contains(err.Error(), "\u00c3") || !(strings.Contains(err.Error(), "'\u00ed'") || strings.Contains(err.Error(), "'\u00e4'")) {
			t.Errorf("ParseSPIFFEID(%q) error %q does not name the character as typed", in, err)
		}
	}
}
