package issuer

import (
	"context"
	"crypto/x509"
	"time"
)

// RenewalAdvisor is the optional ability of a backend whose CA says when it
// wants a certificate renewed (ACME Renewal Information, RFC 9773). ok is
// false when the CA offers no advice for it. Callers renew at the earlier
// of the advice and their own window; a failure to ask is advisory only.
type RenewalAdvisor interface {
	RenewalWindow(ctx context.Context, leaf *x509.Certificate) (start, end time.Time, ok bool, err error)
}
