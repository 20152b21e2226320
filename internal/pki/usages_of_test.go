package pki

import (
	"crypto/x509"
	"slices"
	"testing"
)

func TestUsagesOf(t *testing.T) {
	c := &x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageCodeSigning, x509.ExtKeyUsageServerAuth}}
	if got := UsagesOf(c); !slices.Equal(got, []Usage{UsageClient, UsageServer}) {
		t.Fatalf("UsagesOf = %v, want [client server] (code signing is no TLS role)", got)
	}
	if got := UsagesOf(&x509.Certificate{}); len(got) != 0 {
		t.Fatalf("no EKU: %v", got)
	}
}
