package acme

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"time"
)

// CertID is the RFC 9773 section 4.1 identifier of a certificate: the
// base64url of its authority key identifier, a dot, and the base64url of
// its serial number's DER content octets (a leading zero kept when the high
// bit is set, as the INTEGER encoding needs).
func CertID(c *x509.Certificate) (string, error) {
	if len(c.AuthorityKeyId) == 0 {
		return "", fmt.Errorf("the certificate has no authority key identifier, which ARI needs")
	}
	return base64.RawURLEncoding.EncodeToString(c.AuthorityKeyId) + "." + base64.RawURLEncoding.EncodeToString(serialOctets(c.SerialNumber)), nil
}

func serialOctets(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return b
}

// RenewalWindow asks the CA's renewalInfo endpoint when it wants leaf
// renewed. ok is false when the directory offers no ARI. The start of the
// suggested window is what plans use: RFC 9773 lets a client pick any
// time in it, and the start keeps plan and apply deterministic.
func (b *backend) RenewalWindow(ctx context.Context, leaf *x509.Certificate) (start, end time.Time, ok bool, err error) {
	if b.o.RenewalInfo == "" {
		return time.Time{}, time.Time{}, false, nil
	}
	id, err := CertID(leaf)
	if err != nil {
		return time.Time{}, time.Time{}, false, err
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(b.o.RenewalInfo, "/")+"/"+id, nil)
	if err != nil {
		return time.Time{}, time.Time{}, false, err
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return time.Time{}, time.Time{}, false, wrapErr(err, b.o.Directory, "reading renewal information")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return time.Time{}, time.Time{}, false, fmt.Errorf("%w: renewalInfo answered HTTP %d: %s", ErrRejected, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	var ri struct {
		SuggestedWindow struct {
			Start time.Time `json:"start"`
			End   time.Time `json:"end"`
		} `json:"suggestedWindow"`
		ExplanationURL string `json:"explanationURL"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&ri); err != nil {
		return time.Time{}, time.Time{}, false, fmt.Errorf("%w: renewalInfo is not the RFC 9773 document: %v", ErrRejected, err)
	}
	w := ri.SuggestedWindow
	if w.Start.IsZero() || w.End.Before(w.Start) {
		// RFC 9773 4.2: a window whose end precedes its start is invalid and ignored.
		return time.Time{}, time.Time{}, false, fmt.Errorf("%w: renewalInfo's suggestedWindow is invalid (%s to %s)", ErrRejected, w.Start, w.End)
	}
	return w.Start, w.End, true, nil
}
