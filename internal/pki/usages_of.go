package pki

import "crypto/x509"

// UsagesOf reads the TLS roles a certificate's extended key usage grants,
// in the terms a LeafRequest asks for them.
func UsagesOf(c *x509.Certificate) []Usage {
	var out []Usage
	for _, u := range c.ExtKeyUsage {
		switch u {
		case x509.ExtKeyUsageServerAuth:
			out = append(out, UsageServer)
		case x509.ExtKeyUsageClientAuth:
			out = append(out, UsageClient)
		}
	}
	return out
}
