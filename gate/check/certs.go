package check

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/certs"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CatCerts is the category of certificate findings.
const CatCerts = "certs"

// certTarget is one entry of targets.certs, expanded: a file or an endpoint.
type certTarget struct {
	written string
	target  certs.Target
}

// expandCertTargets resolves file globs against the policy's directory;
// an entry that is a URL, or matches no file and is a HOST:PORT, is an
// endpoint. A glob matching nothing is an error, as for dockerfiles.
func expandCertTargets(p *Policy) ([]certTarget, error) {
	var out []certTarget
	for _, t := range p.Targets.Certs {
		if strings.Contains(t, "://") {
			tg, err := certs.ParseTarget(t)
			if err != nil {
				return nil, inputErr("targets.certs: %v", err)
			}
			out = append(out, certTarget{written: t, target: tg})
			continue
		}
		matches, err := filepath.Glob(resolve(p.Dir, t))
		if err != nil {
			return nil, inputErr("targets.certs: bad pattern %q: %v", t, err)
		}
		if len(matches) > 0 {
			sort.Strings(matches)
			for _, m := range matches {
				out = append(out, certTarget{written: t, target: certs.Target{Path: m}})
			}
			continue
		}
		if tg, err := certs.ParseTarget(t); err == nil && tg.Path == "" {
			out = append(out, certTarget{written: t, target: tg})
			continue
		}
		return nil, inputErr("targets.certs: %q matches no file and is not HOST:PORT: fix the pattern or remove it", t)
	}
	return out, nil
}

// runCertChecks runs crank-gate certs' checks on targets.certs with the
// certs: settings. Only problems are reported (no CERT000 inventory). An
// endpoint's findings point at the policy file, so that every SARIF result
// has a location in the repository, and name the endpoint in the message.
func runCertChecks(ctx context.Context, p *Policy, now time.Time) ([]tagged, int, error) {
	targets, err := expandCertTargets(p)
	if err != nil {
		return nil, 0, err
	}
	c := p.Certs
	opts := certs.Options{Now: now, WarnDays: c.WarnDays, FailDays: c.FailDays}
	if len(c.Bundle) > 0 {
		if opts.Bundle, err = certs.LoadBundle(c.Bundle); err != nil {
			return nil, 0, inputErr("certs: %v", err)
		}
	}
	if len(c.CRL) > 0 {
		if opts.CRLs, err = certs.LoadCRLs(c.CRL); err != nil {
			return nil, 0, inputErr("certs: %v", err)
		}
	}
	var fileOpts certs.FileOptions
	if c.P12PasswordEnv != "" {
		pw := os.Getenv(c.P12PasswordEnv)
		if pw == "" {
			return nil, 0, inputErr("certs.p12-password-env: the environment variable %s is unset or empty", c.P12PasswordEnv)
		}
		fileOpts = certs.FileOptions{PKCS12Password: pw, PasswordHint: "$" + c.P12PasswordEnv}
	}
	dial := certs.DialOptions{ServerName: c.SNI, Timeout: c.Timeout}
	if c.ClientCert != "" {
		if dial.ClientCert, err = certs.LoadClientCert(c.ClientCert, c.ClientKey); err != nil {
			return nil, 0, inputErr("certs: %v", err)
		}
	}
	var inputs []*certs.Input
	endpoint := map[string]string{}
	for _, t := range targets {
		var in *certs.Input
		if t.target.Path != "" {
			in, err = certs.LoadFile(t.target.Path, fileOpts)
		} else {
			in, err = certs.Dial(ctx, t.target, dial)
			if err == nil {
				endpoint[in.Name] = t.written
			}
		}
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		if err != nil {
			return nil, 0, inputErr("certs target %v", err)
		}
		inputs = append(inputs, in)
	}
	policyPath := p.Path
	if policyPath == "" {
		policyPath = DefaultPolicyFile
	}
	var out []tagged
	for _, f := range certs.Evaluate(inputs, opts) {
		target := f.Path
		if written, ok := endpoint[f.Path]; ok {
			f.Message = f.Path + ": " + f.Message
			f.Path, f.Line = policyPath, 0
			target = written
		}
		out = append(out, tagged{Finding: f, category: CatCerts, target: target, failing: p.Thresholds.Certs != findings.None && f.Severity >= p.Thresholds.Certs})
	}
	return out, len(inputs), nil
}
