// Package secretstest makes fake credentials that gitleaks' default rules
// accept as real. They are generated at run time from a seed, so the
// repository never contains a literal that gitleaks (or a push-protection
// scanner) would flag, and tests stay deterministic.
package secretstest

import "math/rand/v2"

const (
	alnum  = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

func random(seed uint64, alphabet string, n int) string {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// GitHubPAT is a classic GitHub personal access token (rule github-pat).
func GitHubPAT(seed uint64) string { return "gh" + "p_" + random(seed, alnum, 36) }

// AWSAccessKeyID is an AWS access key id (rule aws-access-token).
func AWSAccessKeyID(seed uint64) string { return "AK" + "IA" + random(seed, base32, 16) }
