package certs

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// Options are the checks' settings, validated once by Validate.
type Options struct {
	Now time.Time
	// WarnDays and FailDays are the expiry thresholds: below WarnDays
	// days left CERT001 is a warning, below FailDays an error.
	WarnDays, FailDays int
	// Bundle are the trust anchors; nil means chains are not verified.
	Bundle []*x509.Certificate
	// CRLs are checked for every certificate whose issuer they come from;
	// nil means revocation is not checked.
	CRLs []CRL
	// Inventory adds one CERT000 line per certificate checked.
	Inventory bool
}

// DefaultWarnDays and DefaultFailDays are the thresholds when none are
// given: a month of warning, a week before it breaks.
const (
	DefaultWarnDays = 30
	DefaultFailDays = 7
)

// Validate refuses thresholds that cannot mean anything.
func (o Options) Validate() error {
	if o.WarnDays < 0 || o.FailDays < 0 {
		return errors.New("--warn-days and --fail-days cannot be negative")
	}
	if o.FailDays > o.WarnDays {
		return fmt.Errorf("--fail-days %d is above --warn-days %d: a certificate would fail before it is warned about; raise --warn-days or lower --fail-days", o.FailDays, o.WarnDays)
	}
	return nil
}

// chainStatus is the outcome of verifying a subject against the bundle.
type chainStatus int

const (
	chainNotChecked chainStatus = iota
	chainValid
	// chainValidButTime: a path to the bundle exists at a time when every
	// certificate on it is valid, so only expiry (CERT002/CERT006) is wrong.
	chainValidButTime
	chainInvalid
)

// revStatus is one certificate's revocation status.
type revStatus int

const (
	revNotChecked revStatus = iota
	revNotApplicable
	revGood
	revRevoked
	revUnknown
)

type revocation struct {
	status revStatus
	crl    *CRL
	entry  *x509.RevocationListEntry
	// why explains revUnknown.
	why string
}

// Subject is one certificate being reported on, with the chain it was
// found with. Chain[0] is the certificate; when the chain verified it is
// the verified path to the bundle, else the issuers found by signature
// among the input's certificates and the bundle.
type Subject struct {
	Input    *Input
	Index    int
	Cert     *x509.Certificate
	Chain    []*x509.Certificate
	chain    chainStatus
	chainErr error
	// rev[i] is the status of Chain[i].
	rev []revocation
	// subjects are the input's other subjects: a chain certificate that
	// is reported on in its own right is not reported again in this chain.
	subjects map[string]bool
	opts     *Options
	rule     *Rule
	out      []findings.Finding
}

// Evaluate runs every check on every subject of every input.
func Evaluate(inputs []*Input, opts Options) []findings.Finding {
	var out []findings.Finding
	roots := x509.NewCertPool()
	for _, c := range opts.Bundle {
		roots.AddCert(c)
	}
	for _, in := range inputs {
		idx := subjectIndexes(in)
		subjects := map[string]bool{}
		for _, i := range idx {
			subjects[string(in.Certs[i].X509.Raw)] = true
		}
		pool := issuerIndex(in.x509(), opts.Bundle)
		for _, i := range idx {
			s := &Subject{Input: in, Index: i, Cert: in.Certs[i].X509, subjects: subjects, opts: &opts}
			s.verify(roots, pool)
			s.checkRevocation()
			for _, r := range All() {
				if r == &CERT000 && !opts.Inventory {
					continue
				}
				s.rule = r
				r.Check(s)
			}
			out = append(out, s.out...)
		}
	}
	findings.Sort(out)
	return out
}

// subjectIndexes picks what an input is about: its declared leaf, else
// every certificate that is not a CA, else (a CA bundle) every certificate.
func subjectIndexes(in *Input) []int {
	if in.Leaf >= 0 && in.Leaf < len(in.Certs) {
		return []int{in.Leaf}
	}
	var leaves, all []int
	for i, c := range in.Certs {
		all = append(all, i)
		if !c.X509.IsCA {
			leaves = append(leaves, i)
		}
	}
	if len(leaves) > 0 {
		return leaves
	}
	return all
}

// issuerIndex maps a subject name to the certificates bearing it, so that
// finding an issuer is a lookup and a large bundle costs no quadratic work.
func issuerIndex(sets ...[]*x509.Certificate) map[string][]*x509.Certificate {
	m := map[string][]*x509.Certificate{}
	for _, set := range sets {
		for _, c := range set {
			m[string(c.RawSubject)] = append(m[string(c.RawSubject)], c)
		}
	}
	return m
}

// maxChain bounds the presented chain walk, and maxIssuerTries the
// signature checks per step: a hostile bundle of thousands of
// certificates sharing one name must not cost a signature check per pair.
const (
	maxChain       = 10
	maxIssuerTries = 8
)

// presentedChain follows issuers by name, key identifier and signature;
// checks counts the signature checks it made.
func presentedChain(c *x509.Certificate, pool map[string][]*x509.Certificate) (chain []*x509.Certificate, checks int) {
	chain = []*x509.Certificate{c}
	for len(chain) < maxChain {
		cur := chain[len(chain)-1]
		if selfIssued(cur) {
			break
		}
		var next *x509.Certificate
		tries := 0
		for _, cand := range pool[string(cur.RawIssuer)] {
			if tries == maxIssuerTries {
				break
			}
			if contains(chain, cand) || len(cur.AuthorityKeyId) > 0 && len(cand.SubjectKeyId) > 0 && !bytes.Equal(cur.AuthorityKeyId, cand.SubjectKeyId) {
				continue
			}
			tries++
			checks++
			if cur.CheckSignatureFrom(cand) == nil {
				next = cand
				break
			}
		}
		if next == nil {
			break
		}
		chain = append(chain, next)
	}
	return chain, checks
}

func selfIssued(c *x509.Certificate) bool { return bytes.Equal(c.RawIssuer, c.RawSubject) }

func contains(chain []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range chain {
		if x.Equal(c) {
			return true
		}
	}
	return false
}

func (s *Subject) verify(roots *x509.CertPool, pool map[string][]*x509.Certificate) {
	presented, _ := presentedChain(s.Cert, pool)
	s.Chain = presented
	if s.opts.Bundle == nil {
		return
	}
	inter := x509.NewCertPool()
	for _, c := range s.Input.Certs {
		if !c.X509.Equal(s.Cert) {
			inter.AddCert(c.X509)
		}
	}
	vo := x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: s.opts.Now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
	chains, err := s.Cert.Verify(vo)
	if err == nil {
		s.chain, s.Chain = chainValid, chains[0]
		return
	}
	// Verify again at a moment when every presented certificate is
	// valid: if a path exists then, the chain is sound and only its
	// dates are wrong, which the expiry checks report on their own.
	lo, hi := presented[0].NotBefore, presented[0].NotAfter
	for _, c := range presented[1:] {
		if c.NotBefore.After(lo) {
			lo = c.NotBefore
		}
		if c.NotAfter.Before(hi) {
			hi = c.NotAfter
		}
	}
	if !lo.After(hi) && !outsideValidity(presented, s.opts.Now) {
		s.chain, s.chainErr = chainInvalid, explainVerify(err, s.Cert)
		return
	}
	if !lo.After(hi) {
		vo.CurrentTime = lo
		if chains, err2 := s.Cert.Verify(vo); err2 == nil {
			s.chain, s.Chain = chainValidButTime, chains[0]
			return
		} else {
			err = err2
		}
	}
	s.chain, s.chainErr = chainInvalid, explainVerify(err, s.Cert)
}

func outsideValidity(chain []*x509.Certificate, now time.Time) bool {
	for _, c := range chain {
		if now.Before(c.NotBefore) || now.After(c.NotAfter) {
			return true
		}
	}
	return false
}

// explainVerify says what a person can act on.
func explainVerify(err error, c *x509.Certificate) error {
	var unknown x509.UnknownAuthorityError
	if errors.As(err, &unknown) {
		msg := fmt.Sprintf("no path to any CA in --bundle: it was not issued by one of them, or an intermediate is missing (issuer %q)", c.Issuer.String())
		// Go says why a candidate issuer was passed over (a SHA-1
		// signature, say); that is the fix, so keep it.
		if _, why, ok := strings.Cut(err.Error(), "possibly because of "); ok {
			msg += "; a candidate issuer was refused because of " + strings.TrimSuffix(why, ")")
		}
		return errors.New(msg)
	}
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) {
		who := "it"
		if invalid.Cert != nil && !invalid.Cert.Equal(c) {
			who = fmt.Sprintf("%q in its chain", pki.CertName(invalid.Cert))
		}
		return fmt.Errorf("%s fails verification: %v", who, err)
	}
	return err
}

func (s *Subject) checkRevocation() {
	s.rev = make([]revocation, len(s.Chain))
	if s.opts.CRLs == nil {
		return
	}
	for i, c := range s.Chain {
		if i+1 >= len(s.Chain) {
			switch {
			case selfIssued(c):
				s.rev[i] = revocation{status: revNotApplicable}
			case i == 0:
				s.rev[i] = revocation{status: revUnknown, why: fmt.Sprintf("its issuer %q is neither in the input nor in --bundle, so no CRL signature can be checked; add the issuer", c.Issuer.String())}
			}
			continue
		}
		s.rev[i] = s.revocationOf(c, s.Chain[i+1], i == 0)
	}
}

// revocationOf checks c against the CRLs its issuer signed. A CRL that
// names the issuer but fails the issuer's signature proves nothing; a CRL
// past its next update may miss recent revocations. Both leave the
// status unknown, which fails (fail secure), as does a leaf whose
// issuer's CRL was not given at all.
func (s *Subject) revocationOf(c, issuer *x509.Certificate, leaf bool) revocation {
	var best *CRL
	var bad []string
	for i := range s.opts.CRLs {
		crl := &s.opts.CRLs[i]
		l := crl.List
		if !bytes.Equal(l.RawIssuer, issuer.RawSubject) {
			continue
		}
		if len(l.AuthorityKeyId) > 0 && len(issuer.SubjectKeyId) > 0 && !bytes.Equal(l.AuthorityKeyId, issuer.SubjectKeyId) {
			continue
		}
		if err := l.CheckSignatureFrom(issuer); err != nil {
			bad = append(bad, fmt.Sprintf("%s (%v)", crl.Path, err))
			continue
		}
		if best == nil || numberOf(l).Cmp(numberOf(best.List)) > 0 {
			best = crl
		}
	}
	if best == nil {
		if len(bad) > 0 {
			return revocation{status: revUnknown, why: fmt.Sprintf("the CRL %s names %q as its issuer but its signature does not verify with that CA's key: it is forged, corrupt or from a re-keyed CA; fetch the CA's current CRL", bad[0], issuer.Subject.String())}
		}
		if leaf {
			return revocation{status: revUnknown, why: fmt.Sprintf("none of the %d CRL(s) given with --crl is from its issuer %q; add that CA's CRL", len(s.opts.CRLs), issuer.Subject.String())}
		}
		return revocation{status: revNotChecked}
	}
	l := best.List
	for j := range l.RevokedCertificateEntries {
		e := &l.RevokedCertificateEntries[j]
		if e.SerialNumber.Cmp(c.SerialNumber) == 0 && e.ReasonCode != 8 {
			return revocation{status: revRevoked, crl: best, entry: e}
		}
	}
	if !l.NextUpdate.IsZero() && s.opts.Now.After(l.NextUpdate) {
		return revocation{status: revUnknown, crl: best, why: fmt.Sprintf("the CRL %s of %q was due to be replaced on %s, so it cannot show revocations made since; fetch a fresh one", best.Path, issuer.Subject.String(), day(l.NextUpdate))}
	}
	return revocation{status: revGood, crl: best}
}

// report records a finding about chain certificate c (the subject itself
// when c is Chain[0]) at sev.
func (s *Subject) report(c *x509.Certificate, sev findings.Severity, format string, args ...any) {
	line := s.Input.Certs[s.Index].Line
	for _, ic := range s.Input.Certs {
		if ic.X509.Equal(c) && ic.Line > 0 {
			line = ic.Line
		}
	}
	msg := fmt.Sprintf(format, args...)
	s.out = append(s.out, findings.Finding{
		RuleID:      s.rule.ID,
		Severity:    sev,
		Path:        s.Input.Name,
		Line:        line,
		Message:     msg,
		Fingerprint: findings.Fingerprint(s.rule.ID, s.Input.Name, pki.FingerprintSHA256(s.Cert)+":"+pki.FingerprintSHA256(c), 0),
		Engine:      Engine,
	})
}

// chainOthers yields the chain certificates after the subject that are
// not reported on as subjects of their own.
func (s *Subject) chainOthers() []*x509.Certificate {
	var out []*x509.Certificate
	for _, c := range s.Chain[1:] {
		if !s.isSubject(c) {
			out = append(out, c)
		}
	}
	return out
}

// daysLeft is whole days until not-after, rounded down; daysAgo is whole
// days since it, for a certificate that has expired.
func daysLeft(c *x509.Certificate, now time.Time) int {
	return int(c.NotAfter.Sub(now) / (24 * time.Hour))
}

func daysAgo(c *x509.Certificate, now time.Time) int {
	return int(now.Sub(c.NotAfter) / (24 * time.Hour))
}

func day(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func numberOf(l *x509.RevocationList) *big.Int {
	if l.Number == nil {
		return new(big.Int)
	}
	return l.Number
}

// isSubject reports whether c is reported on as a subject of its own.
func (s *Subject) isSubject(c *x509.Certificate) bool { return s.subjects[string(c.Raw)] }

// withRevocation calls f for each chain certificate whose revocation
// status is st, leaving out those reported on as subjects of their own.
func (s *Subject) withRevocation(st revStatus, f func(c *x509.Certificate, r revocation)) {
	for i, r := range s.rev {
		if r.status != st || i > 0 && s.isSubject(s.Chain[i]) {
			continue
		}
		f(s.Chain[i], r)
	}
}
