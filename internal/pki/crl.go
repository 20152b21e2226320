package pki

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Revocation reasons by their RFC 5280 §5.3.1 names, in code order.
// Code 7 is unassigned.
var revocationReasons = []struct {
	name string
	code int
}{
	{"unspecified", 0},
	{"keyCompromise", 1},
	{"cACompromise", 2},
	{"affiliationChanged", 3},
	{"superseded", 4},
	{"cessationOfOperation", 5},
	{"certificateHold", 6},
	{"removeFromCRL", 8},
	{"privilegeWithdrawn", 9},
	{"aACompromise", 10},
}

// Reasons crank itself assigns to certificates that leave a tracked set.
const (
	ReasonUnspecified          = "unspecified"
	ReasonSuperseded           = "superseded"
	ReasonCessationOfOperation = "cessationOfOperation"
)

// RevocationReasons lists every reason name ParseRevocationReason accepts.
func RevocationReasons() []string {
	var out []string
	for _, r := range revocationReasons {
		if r.name != "removeFromCRL" {
			out = append(out, r.name)
		}
	}
	return out
}

// ParseRevocationReason maps a reason name to its reasonCode. removeFromCRL
// is refused: RFC 5280 reserves it for delta CRLs, and in a complete CRL an
// entry with that reason would still list the certificate as revoked.
func ParseRevocationReason(name string) (int, error) {
	if name == "removeFromCRL" {
		return 0, &PolicyError{Attribute: "reason", Value: name,
			Problem: "removeFromCRL only has a meaning in delta CRLs, and crank publishes complete CRLs, where the entry would still revoke the certificate",
			Fix:     "To lift a certificateHold, delete the entry from revoked; the next CRL no longer lists it"}
	}
	for _, r := range revocationReasons {
		if r.name == name {
			return r.code, nil
		}
	}
	return 0, &PolicyError{Attribute: "reason", Value: name,
		Problem: "not an RFC 5280 revocation reason",
		Fix:     "Use one of " + strings.Join(RevocationReasons(), ", ") + " (the names are case-sensitive)"}
}

// ReasonName is the inverse of ParseRevocationReason.
func ReasonName(code int) string {
	for _, r := range revocationReasons {
		if r.code == code {
			return r.name
		}
	}
	return fmt.Sprintf("reason(%d)", code)
}

// maxSerialOctets is RFC 5280 §4.1.2.2's limit on serial numbers.
const maxSerialOctets = 20

// ParseSerial reads a certificate serial number written the way people copy
// it: colon-separated hex as crank and `openssl x509 -text` print it
// ("1A:2B:3C"), plain hex as `openssl x509 -serial` prints it ("1A2B3C" or
// "0x1a2b3c"), or decimal ("1715"). A string of digits only is decimal;
// write a digits-only hex serial with colons or a 0x prefix.
func ParseSerial(s string) (*big.Int, error) {
	in := strings.TrimSpace(s)
	bad := func(problem string) error {
		return &PolicyError{Attribute: "serial", Value: s, Problem: problem,
			Fix: `Write the serial as crank_certificate.serial prints it ("4F:1A:..."), as plain hex ("4F1A...", "0x4f1a...") or as a decimal number`}
	}
	if in == "" {
		return nil, bad("the serial is empty")
	}
	var n *big.Int
	switch {
	case strings.Contains(in, ":"):
		parts := strings.Split(in, ":")
		for _, p := range parts {
			if len(p) == 0 || len(p) > 2 {
				return nil, bad("colon-separated serials need one or two hex digits between colons")
			}
		}
		b, err := hex.DecodeString(strings.Join(padBytes(parts), ""))
		if err != nil {
			return nil, bad("not hexadecimal")
		}
		n = new(big.Int).SetBytes(b)
	case strings.HasPrefix(in, "0x") || strings.HasPrefix(in, "0X") || strings.ContainsAny(in, "abcdefABCDEF"):
		digits := strings.TrimPrefix(strings.TrimPrefix(in, "0x"), "0X")
		b, err := hex.DecodeString(leftPadEven(digits))
		if err != nil || digits == "" {
			return nil, bad("not hexadecimal")
		}
		n = new(big.Int).SetBytes(b)
	default:
		var ok bool
		if n, ok = new(big.Int).SetString(in, 10); !ok {
			return nil, bad("neither hexadecimal nor a decimal number")
		}
	}
	if n.Sign() <= 0 {
		return nil, bad("serial numbers are positive (RFC 5280 §4.1.2.2)")
	}
	if len(n.Bytes()) > maxSerialOctets {
		return nil, bad(fmt.Sprintf("longer than the %d octets RFC 5280 allows", maxSerialOctets))
	}
	return n, nil
}

func padBytes(parts []string) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = leftPadEven(p)
	}
	return out
}

func leftPadEven(s string) string {
	if len(s)%2 == 1 {
		return "0" + s
	}
	return s
}

// FormatSerial prints a serial the way crank_certificate.serial does.
func FormatSerial(n *big.Int) string { return HexID(n.Bytes()) }

// ErrNoCRLSign is returned for an issuer whose certificate may not sign CRLs.
var ErrNoCRLSign = errors.New("issuer certificate lacks the cRLSign key usage, so relying parties would reject any CRL it signs")

// CheckCRLIssuer tells whether cert may sign CRLs (RFC 5280 §4.2.1.3).
func CheckCRLIssuer(cert *x509.Certificate) error {
	if !cert.IsCA || !cert.BasicConstraintsValid {
		return ErrNotACA
	}
	if cert.KeyUsage&x509.KeyUsageCRLSign == 0 {
		return ErrNoCRLSign
	}
	if len(cert.SubjectKeyId) == 0 {
		return errors.New("issuer certificate has no subject key identifier, so its CRLs could not carry the authority key identifier relying parties match them by")
	}
	return nil
}

// CheckIssuedBy refuses a certificate another CA issued: its authority key
// identifier must be the issuer's subject key identifier. A CRL may only list
// serials of its own issuer; another CA's serial would revoke nothing, or an
// unrelated certificate of this CA that happens to share it.
func CheckIssuedBy(cert, issuer *x509.Certificate) error {
	if bytes.Equal(cert.AuthorityKeyId, issuer.SubjectKeyId) {
		return nil
	}
	aki := HexID(cert.AuthorityKeyId)
	if aki == "" {
		aki = "none"
	}
	return &PolicyError{Attribute: "certificate_pem", Value: fmt.Sprintf("%s (serial %s)", CertName(cert), FormatSerial(cert.SerialNumber)),
		Problem: fmt.Sprintf("revoked serial of another issuer: the certificate's authority key identifier is %s, but this CRL's issuer %q has subject key identifier %s", aki, issuer.Subject, HexID(issuer.SubjectKeyId)),
		Fix:     "List it in the crank_crl whose issuer signed it, or use this CRL's issuer for the certificate"}
}

// Supersedes reports whether newer replaces older: the same identity (its
// URI SANs, SPIFFE ID first of all, or else its subject) in a new certificate.
func Supersedes(newer, older *x509.Certificate) bool {
	if bytes.Equal(newer.Raw, older.Raw) {
		return false
	}
	if len(older.URIs) > 0 || len(newer.URIs) > 0 {
		return slices.EqualFunc(newer.URIs, older.URIs, func(a, b *url.URL) bool { return a.String() == b.String() })
	}
	return newer.Subject.String() == older.Subject.String()
}

// Revocation is one entry of a CRL.
type Revocation struct {
	Serial    *big.Int
	Reason    int
	RevokedAt time.Time
}

// CRLRequest describes a complete CRL to sign.
type CRLRequest struct {
	Number     *big.Int
	ThisUpdate time.Time
	NextUpdate time.Time
	Revoked    []Revocation
}

// CreateCRL signs a v2 CRL with the CRL number and authority key identifier
// extensions; the entries are written in serial order so equal inputs give
// equal CRLs apart from the signature.
func CreateCRL(iss *Issuer, req CRLRequest) (*x509.RevocationList, []byte, error) {
	if err := CheckCRLIssuer(iss.Cert); err != nil {
		return nil, nil, err
	}
	if req.Number == nil || req.Number.Sign() <= 0 {
		return nil, nil, errors.New("CRL number must be positive")
	}
	if !req.NextUpdate.After(req.ThisUpdate) {
		return nil, nil, fmt.Errorf("CRL next update %s is not after this update %s", req.NextUpdate.Format(time.RFC3339), req.ThisUpdate.Format(time.RFC3339))
	}
	seen := map[string]bool{}
	entries := make([]x509.RevocationListEntry, 0, len(req.Revoked))
	for _, r := range req.Revoked {
		key := r.Serial.String()
		if seen[key] {
			return nil, nil, fmt.Errorf("serial %s is listed twice", FormatSerial(r.Serial))
		}
		seen[key] = true
		entries = append(entries, x509.RevocationListEntry{SerialNumber: r.Serial, RevocationTime: r.RevokedAt.UTC(), ReasonCode: r.Reason})
	}
	slices.SortFunc(entries, func(a, b x509.RevocationListEntry) int { return a.SerialNumber.Cmp(b.SerialNumber) })
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number:                    req.Number,
		ThisUpdate:                req.ThisUpdate.UTC(),
		NextUpdate:                req.NextUpdate.UTC(),
		RevokedCertificateEntries: entries,
	}, iss.Cert, iss.Key)
	if err != nil {
		return nil, nil, fmt.Errorf("signing the CRL: %w", err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, nil, err
	}
	return crl, der, nil
}

// EncodeCRLPEM wraps a DER CRL in an "X509 CRL" PEM block, the form openssl reads.
func EncodeCRLPEM(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}))
}
