package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/certs"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/report"
	"github.com/crank-platform/terraform-provider-crank/gate/safefile"
)

const certsUsage = `Usage: crank-gate certs [flags] PATH|HOST:PORT|https://URL...

Reports every certificate found (subject, SPIFFE ID, issuer, serial,
not-after, days left, chain and revocation status) and a finding per problem.
PATH is a PEM file (certificates, chains, bundles; keys are skipped unread), a
DER certificate or a PKCS#12 keystore. HOST:PORT, tls://HOST:PORT and
https://HOST[:PORT] are live TLS endpoints (a file of the same name wins only
when written ./NAME).
Exit codes: 0 pass, 1 findings at or above --fail-on (expiring below
--fail-days, expired, invalid chain, revoked, revocation unknown), 2 usage or
input error (unreadable file, not a certificate, bad PKCS#12 password,
unreachable endpoint, refused client certificate).

Flags:
`

func runCerts(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("crank-gate certs", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var formats, bundles, crls listFlag
	fs.Var(&bundles, "bundle", "PEM/DER file of trusted CA certificates to verify chains against (repeatable); without it chains are not checked")
	fs.Var(&crls, "crl", "CRL file, PEM or DER (repeatable); each certificate is checked against its issuer's CRL, whose signature must verify")
	warnDays := fs.Int("warn-days", certs.DefaultWarnDays, "report certificates with fewer days left than this as warnings (CERT001)")
	failDays := fs.Int("fail-days", certs.DefaultFailDays, "report certificates with fewer days left than this as errors (CERT001), which fail the run")
	failOn := fs.String("fail-on", "error", "lowest severity that fails the run: error, warning (fail below --warn-days too) or none")
	passEnv := fs.String("p12-password-env", "", "name of the environment variable holding the PKCS#12 password")
	passFile := fs.String("p12-password-file", "", "file holding the PKCS#12 password (one trailing newline is dropped)")
	sni := fs.String("sni", "", "server name sent to endpoints (default: the host, unless it is an IP address)")
	clientCert := fs.String("client-cert", "", "PEM client certificate for endpoints that require mTLS (with --client-key)")
	clientKey := fs.String("client-key", "", "PEM private key of --client-cert (unencrypted; read, never printed)")
	timeout := fs.Duration("timeout", 10*time.Second, "connect and handshake timeout per endpoint")
	inventory := fs.Bool("inventory", true, "report one CERT000 info line per certificate (false: problems only)")
	fs.Var(&formats, "format", "output NAME[=FILE], repeatable; NAME is one of "+strings.Join(report.Names(), ", ")+" (default tty on stdout)")
	noColor := fs.Bool("no-color", false, "never colour the tty output")
	fs.Usage = func() {
		fmt.Fprint(env.Stderr, certsUsage)
		fs.PrintDefaults()
	}
	if code, ok := parseArgs(fs, args); !ok {
		return code
	}
	r := newRun(ctx, env, "certs")
	r.tool.Name = certs.Engine
	r.failOn = findings.Error
	r.noColor = *noColor
	outs, err := parseFormats(formats)
	if err != nil {
		return r.failf("%v", err)
	}
	r.outs = outs
	sev, err := findings.ParseSeverity(*failOn)
	if err != nil || (sev != findings.Error && sev != findings.Warning && sev != findings.None) {
		return r.failf("--fail-on %q: use error, warning or none (CERT000 inventory lines are info and never fail a run)", *failOn)
	}
	r.failOn = sev
	if fs.NArg() == 0 {
		fs.Usage()
		return r.failf("nothing to check: give at least one PATH, HOST:PORT or https://URL")
	}
	opts := certs.Options{Now: time.Now(), WarnDays: *warnDays, FailDays: *failDays, Inventory: *inventory}
	if err := opts.Validate(); err != nil {
		return r.failf("%v", err)
	}
	fileOpts, err := pkcs12Password(*passEnv, *passFile, env)
	if err != nil {
		return r.failf("%v", err)
	}
	dial := certs.DialOptions{ServerName: *sni, Timeout: *timeout}
	if (*clientCert == "") != (*clientKey == "") {
		return r.failf("--client-cert and --client-key go together: give both or neither")
	}
	if *clientCert != "" {
		kp, err := certs.LoadClientCert(*clientCert, *clientKey)
		if err != nil {
			return r.failf("%v", err)
		}
		dial.ClientCert = kp
	}
	if len(bundles) > 0 {
		if opts.Bundle, err = certs.LoadBundle(bundles); err != nil {
			return r.failf("%v", err)
		}
	}
	if len(crls) > 0 {
		if opts.CRLs, err = certs.LoadCRLs(crls); err != nil {
			return r.failf("%v", err)
		}
	}
	// A target that cannot be read fails the run (exit 2) but not the
	// others: they are still checked and reported beside the error.
	var inputs []*certs.Input
	var errs []report.RunError
	for _, arg := range fs.Args() {
		t, err := certs.ParseTarget(arg)
		if err != nil {
			errs = append(errs, report.RunError{Path: arg, Message: err.Error()})
			continue
		}
		var in *certs.Input
		if t.Path != "" {
			in, err = certs.LoadFile(t.Path, fileOpts)
		} else {
			in, err = certs.Dial(ctx, t, dial)
		}
		if ctx.Err() != nil {
			return r.fail(nil)
		}
		if err != nil {
			var ie *certs.InputError
			if errors.As(err, &ie) {
				errs = append(errs, report.RunError{Path: ie.Name, Message: ie.Err.Error()})
			} else {
				errs = append(errs, report.RunError{Path: t.String(), Message: err.Error()})
			}
			continue
		}
		inputs = append(inputs, in)
	}
	fsx := certs.Evaluate(inputs, opts)
	rep := &report.Report{
		Tool:     report.Tool{Name: certs.Engine, Version: env.Version, InformationURI: "https://github.com/crank-platform/terraform-provider-crank"},
		Findings: fsx,
		Rules:    certs.RuleInfos(),
		Summary:  findings.Summarize(fsx, len(inputs), 0, sev),
	}
	if len(errs) > 0 {
		return r.fail(rep, errs...)
	}
	if code := r.finish(rep); code != ExitPass {
		return code
	}
	if rep.Summary.Failed {
		return ExitFindings
	}
	return ExitPass
}

// pkcs12Password reads the keystore password from where a flag says: an
// environment variable or a file, never a flag value, which would sit in
// the process list and shell history.
func pkcs12Password(envName, file string, env Env) (certs.FileOptions, error) {
	switch {
	case envName != "" && file != "":
		return certs.FileOptions{}, errors.New("--p12-password-env and --p12-password-file: give one of them")
	case envName != "":
		pw := env.Getenv(envName)
		if pw == "" {
			return certs.FileOptions{}, fmt.Errorf("--p12-password-env %s: the environment variable is unset or empty", envName)
		}
		return certs.FileOptions{PKCS12Password: pw, PasswordHint: "$" + envName}, nil
	case file != "":
		data, err := safefile.ReadFile(file, 64<<10)
		if err != nil {
			return certs.FileOptions{}, fmt.Errorf("--p12-password-file %s: %v", file, err)
		}
		pw := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
		if pw == "" {
			return certs.FileOptions{}, fmt.Errorf("--p12-password-file %s: the file is empty", file)
		}
		return certs.FileOptions{PKCS12Password: pw, PasswordHint: file}, nil
	}
	return certs.FileOptions{}, nil
}
