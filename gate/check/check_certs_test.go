package check_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/certs/certstest"
	"github.com/crank-platform/terraform-provider-crank/gate/check"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// certsPolicy writes a root, a healthy and an expired chain file and a
// policy with a certs: section into a temporary directory.
func certsPolicy(t *testing.T, extra string) (*check.Policy, string, *certstest.Cert) {
	t.Helper()
	dir := t.TempDir()
	root := certstest.CA(t, "Test Root", nil, certstest.Days(-10), certstest.Days(3650))
	inter := certstest.CA(t, "Test Services CA", root, certstest.Days(-10), certstest.Days(1825))
	ok := certstest.Leaf(t, "spiffe://prod.example.org/billing", inter, certstest.Days(-1), certstest.Days(90))
	old := certstest.Leaf(t, "spiffe://prod.example.org/legacy", inter, certstest.Days(-90), certstest.Days(-2))
	if err := os.MkdirAll(filepath.Join(dir, "certs"), 0o755); err != nil {
		t.Fatal(err)
	}
	certstest.Write(t, dir, "root.pem", certstest.PEM(root))
	certstest.Write(t, dir, "inter.crl", certstest.CRL(t, inter, 1, certstest.Days(7)))
	certstest.Write(t, dir, "certs/billing.pem", certstest.PEM(ok, inter))
	certstest.Write(t, dir, "certs/billing.key", ok.KeyPEM(t))
	certstest.Write(t, dir, "certs/legacy.pem", certstest.PEM(old, inter))
	certstest.Write(t, dir, "crank-gate.yaml", []byte("version: 1\n"+extra))
	p, err := check.LoadPolicy(filepath.Join(dir, "crank-gate.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return p, dir, ok
}

func TestCheckCerts(t *testing.T) {
	const section = "targets:\n  certs: [\"certs/*.pem\"]\ncerts:\n  bundle: [root.pem]\n  crl: [inter.crl]\n"
	p, _, _ := certsPolicy(t, section)
	res, err := check.Run(context.Background(), check.Options{Policy: p, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	if rulesOf(res.Findings)["CERT002"] != 1 || len(res.Findings) != 1 || res.Failing[check.CatCerts] != 1 || res.Files != 2 {
		t.Errorf("findings %v, failing %v, files %d", rulesOf(res.Findings), res.Failing, res.Files)
	}
	if !strings.HasSuffix(res.Findings[0].Path, filepath.Join("certs", "legacy.pem")) {
		t.Errorf("finding path %s", res.Findings[0].Path)
	}

	// A waiver for the expired certificate silences it; thresholds.certs
	// none reports without failing.
	p, _, _ = certsPolicy(t, section+"waivers:\n  - id: CERT002\n    target: certs/legacy.pem\n    reason: decommissioned next week\n    expires: 2099-01-01\n")
	if res, err := check.Run(context.Background(), check.Options{Policy: p, Now: time.Now}); err != nil || res.Failed() || res.Suppressed != 1 {
		t.Errorf("waived: %+v %v", res, err)
	}
	p, _, _ = certsPolicy(t, section+"thresholds: {certs: none}\n")
	if res, err := check.Run(context.Background(), check.Options{Policy: p, Now: time.Now}); err != nil || res.Failed() || len(res.Findings) != 1 {
		t.Errorf("threshold none: %+v %v", res, err)
	}
	// warn-days from the policy, and an injected clock: a year on, both
	// certificates have expired.
	p, _, _ = certsPolicy(t, section)
	later := func() time.Time { return time.Now().Add(365 * 24 * time.Hour) }
	if res, err := check.Run(context.Background(), check.Options{Policy: p, Now: later}); err != nil || rulesOf(res.Findings)["CERT002"] != 2 {
		t.Errorf("a year later: %v %v", rulesOf(res.Findings), err)
	}
}

func TestCheckCertsEndpoint(t *testing.T) {
	p, dir, leaf := certsPolicy(t, "targets: {certs: [certs/billing.pem]}\n")
	kp, err := tls.X509KeyPair(certstest.PEM(leaf), leaf.KeyPEM(t))
	if err != nil {
		t.Fatal(err)
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{kp}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { _ = c.(*tls.Conn).Handshake(); time.Sleep(time.Second); c.Close() }()
		}
	}()
	addr := l.Addr().String()
	certstest.Write(t, dir, "crank-gate.yaml", []byte("version: 1\ntargets:\n  certs: [\""+addr+"\"]\ncerts:\n  warn-days: 120\n  fail-days: 100\n"))
	if p, err = check.LoadPolicy(filepath.Join(dir, "crank-gate.yaml")); err != nil {
		t.Fatal(err)
	}
	res, err := check.Run(context.Background(), check.Options{Policy: p, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	// 89 days left is below fail-days 100; the finding points at the
	// policy file and names the endpoint.
	if len(res.Findings) != 1 || res.Findings[0].RuleID != "CERT001" || res.Findings[0].Severity != findings.Error ||
		res.Findings[0].Path != p.Path || !strings.HasPrefix(res.Findings[0].Message, "tls://"+addr+": ") {
		t.Errorf("findings: %+v", res.Findings)
	}
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	gone := closed.Addr().String()
	closed.Close()
	certstest.Write(t, dir, "crank-gate.yaml", []byte("version: 1\ntargets:\n  certs: [\""+gone+"\"]\ncerts: {timeout: 2s}\n"))
	if p, err = check.LoadPolicy(filepath.Join(dir, "crank-gate.yaml")); err != nil {
		t.Fatal(err)
	}
	_, err = check.Run(context.Background(), check.Options{Policy: p, Now: time.Now})
	var ie *check.InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "unreachable") {
		t.Errorf("unreachable endpoint: %v", err)
	}
}

func TestCertsPolicyErrors(t *testing.T) {
	for name, tc := range map[string]struct{ yaml, want string }{
		"thresholds upside down": {"version: 1\ntargets: {certs: [a.pem]}\ncerts: {warn-days: 3, fail-days: 9}\n", "fail-days at most warn-days"},
		"bad timeout":            {"version: 1\ntargets: {certs: [a.pem]}\ncerts: {timeout: soon}\n", "not a positive duration"},
		"half a client pair":     {"version: 1\ntargets: {certs: [a.pem]}\ncerts: {client-cert: c.pem}\n", "go together"},
		"unknown key":            {"version: 1\ntargets: {certs: [a.pem]}\ncerts: {password: hunter2}\n", "unknown key password"},
		"bad threshold":          {"version: 1\ntargets: {certs: [a.pem]}\nthresholds: {certs: loud}\n", "thresholds.certs"},
	} {
		if _, err := check.ParsePolicy([]byte(tc.yaml), "."); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
	}
	p, err := check.ParsePolicy([]byte("version: 1\ntargets: {certs: [\"missing/*.pem\"]}\n"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := check.Run(context.Background(), check.Options{Policy: p, Now: time.Now}); err == nil || !strings.Contains(err.Error(), "matches no file") {
		t.Errorf("glob matching nothing: %v", err)
	}
}
