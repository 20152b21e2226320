package acme

import (
	"crypto/x509"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"
)

// TestCertIDRFC9773Example is the example of RFC 9773 section 4.1: the
// serial 0x0087654321 keeps its leading zero octet.
func TestCertIDRFC9773Example(t *testing.T) {
	aki, _ := hex.DecodeString(strings.ReplaceAll("69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4", ":", ""))
	serial, _ := new(big.Int).SetString("87654321", 16)
	got, err := CertID(&x509.Certificate{AuthorityKeyId: aki, SerialNumber: serial})
	if err != nil {
		t.Fatal(err)
	}
	if want := "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE"; got != want {
		t.Fatalf("CertID = %s, want %s", got, want)
	}
	small, _ := CertID(&x509.Certificate{AuthorityKeyId: aki, SerialNumber: big.NewInt(0x1234)})
	if !strings.HasSuffix(small, ".EjQ") {
		t.Fatalf("serial 0x1234 without a high bit gets no padding octet: %s", small)
	}
	if _, err := CertID(&x509.Certificate{SerialNumber: serial}); err == nil {
		t.Fatal("a certificate without an authority key identifier has no CertID")
	}
}
