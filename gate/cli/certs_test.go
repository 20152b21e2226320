package cli

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/certs/certstest"
	"github.com/crank-platform/terraform-provider-crank/gate/report/sariftest"
)

// certsCLI runs "crank-gate certs" in dir with the given environment.
func certsCLI(t *testing.T, dir string, environ map[string]string, args ...string) (int, string, string) {
	t.Helper()
	return runCLIEnv(t, dir, "", environ, append([]string{"certs"}, args...)...)
}

// certsFixture is a root, an intermediate, and files made from them in dir.
type certsFixture struct {
	dir         string
	root, inter *certstest.Cert
}

func newCertsFixture(t *testing.T) *certsFixture {
	t.Helper()
	f := &certsFixture{dir: t.TempDir()}
	f.root = certstest.CA(t, "Test Root", nil, certstest.Days(-10), certstest.Days(3650))
	f.inter = certstest.CA(t, "Test Services CA", f.root, certstest.Days(-10), certstest.Days(1825))
	certstest.Write(t, f.dir, "root.pem", certstest.PEM(f.root))
	certstest.Write(t, f.dir, "inter.crl", certstest.CRL(t, f.inter, 1, certstest.Days(7)))
	return f
}

// leaf issues a service certificate under the intermediate and writes
// NAME.pem (leaf then intermediate, as a chain file holds them) and NAME.key.
func (f *certsFixture) leaf(t *testing.T, name string, nb, na time.Time) *certstest.Cert {
	t.Helper()
	c := certstest.Leaf(t, "spiffe://prod.example.org/"+name, f.inter, nb, na)
	certstest.Write(t, f.dir, name+".pem", certstest.PEM(c, f.inter))
	certstest.Write(t, f.dir, name+".key", c.KeyPEM(t))
	return c
}

func TestCertsExitCodes(t *testing.T) {
	f := newCertsFixture(t)
	f.leaf(t, "billing", certstest.Days(-1), certstest.Days(90))
	f.leaf(t, "expired", certstest.Days(-90), certstest.Days(-2))
	f.leaf(t, "soon", certstest.Days(-80), certstest.Days(20))
	f.leaf(t, "urgent", certstest.Days(-80), certstest.Days(3))
	revoked := f.leaf(t, "revoked", certstest.Days(-1), certstest.Days(90))
	certstest.Write(t, f.dir, "revoking.crl", certstest.CRL(t, f.inter, 2, certstest.Days(7), revoked))
	other := certstest.CA(t, "Other Root", nil, certstest.Days(-1), certstest.Days(300))
	certstest.Write(t, f.dir, "other.pem", certstest.PEM(other))

	cases := []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"healthy", []string{"--bundle", "root.pem", "--crl", "inter.crl", "billing.pem"}, ExitPass,
			[]string{"CERT000", "spiffe://prod.example.org/billing", "chain: valid against the bundle", "not revoked", "pass:"}},
		{"expired", []string{"--bundle", "root.pem", "expired.pem"}, ExitFindings, []string{"CERT002", "FAIL"}},
		{"revoked", []string{"--bundle", "root.pem", "--crl", "revoking.crl", "revoked.pem"}, ExitFindings, []string{"CERT004", "keyCompromise"}},
		{"wrong bundle", []string{"--bundle", "other.pem", "billing.pem"}, ExitFindings, []string{"CERT003", "no path to any CA in --bundle"}},
		{"below warn-days passes", []string{"soon.pem"}, ExitPass, []string{"CERT001", "warning", "below --warn-days"}},
		{"below warn-days, --fail-on warning", []string{"--fail-on", "warning", "soon.pem"}, ExitFindings, []string{"CERT001"}},
		{"below fail-days", []string{"urgent.pem"}, ExitFindings, []string{"CERT001", "error", "below --fail-days"}},
		{"thresholds moved", []string{"--warn-days", "2", "--fail-days", "1", "urgent.pem"}, ExitPass, []string{"CERT000"}},
		{"--fail-on none", []string{"--fail-on", "none", "expired.pem"}, ExitPass, []string{"CERT002"}},
		{"problems only", []string{"--inventory=false", "billing.pem"}, ExitPass, []string{"0 finding(s)"}},
	}
	for _, c := range cases {
		code, out, errs := certsCLI(t, f.dir, nil, c.args...)
		if code != c.code {
			t.Errorf("%s: code %d, want %d\n%s%s", c.name, code, c.code, out, errs)
			continue
		}
		for _, w := range c.wants {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", c.name, w, out)
			}
		}
	}
}

func TestCertsBadInputExitsTwo(t *testing.T) {
	f := newCertsFixture(t)
	f.leaf(t, "billing", certstest.Days(-1), certstest.Days(90))
	certstest.Write(t, f.dir, "notes.txt", []byte("not a certificate\n"))
	closed := closedPort(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no target", nil, "nothing to check"},
		{"missing file", []string{"missing.pem"}, "missing.pem: cannot read"},
		{"not a certificate", []string{"notes.txt"}, "notes.txt: not a certificate"},
		{"key only", []string{"billing.key"}, "no CERTIFICATE block"},
		{"unreachable", []string{"--timeout", "3s", closed}, "unreachable"},
		{"bad bundle", []string{"--bundle", "billing.pem", "billing.pem"}, "is not a CA certificate"},
		{"bad CRL", []string{"--crl", "notes.txt", "billing.pem"}, "not a CRL"},
		{"thresholds upside down", []string{"--warn-days", "3", "--fail-days", "9", "billing.pem"}, "--fail-days 9 is above --warn-days 3"},
		{"fail-on info", []string{"--fail-on", "info", "billing.pem"}, "use error, warning or none"},
		{"half a client pair", []string{"--client-cert", "billing.pem", closed}, "go together"},
		{"password env unset", []string{"--p12-password-env", "NOPE", "billing.pem"}, "unset or empty"},
		{"plain http", []string{"http://127.0.0.1:1/"}, "only https:// and tls://"},
	}
	for _, c := range cases {
		code, out, errs := certsCLI(t, f.dir, nil, c.args...)
		if code != ExitError || !strings.Contains(errs, c.want) {
			t.Errorf("%s: code %d, stderr lacks %q:\n%s%s", c.name, code, c.want, out, errs)
		}
	}
	// A server that accepts the connection and never answers the
	// handshake ends at --timeout.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	if code, _, errs := certsCLI(t, f.dir, nil, "--timeout", "1s", silent.Addr().String()); code != ExitError || !strings.Contains(errs, "no TLS handshake within 1s") {
		t.Errorf("silent server: code %d %s", code, errs)
	}
	// One bad target fails the run, and the good one is still reported.
	code, out, errs := certsCLI(t, f.dir, nil, "notes.txt", "billing.pem")
	if code != ExitError || !strings.Contains(out, "spiffe://prod.example.org/billing") || !strings.Contains(out, "ERROR (run incomplete") {
		t.Errorf("mixed: code %d\n%s%s", code, out, errs)
	}
}

func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is required by this test and was not found on PATH (install the Debian package %q)", name, name)
	}
	return p
}

// TestCertsPKCS12 reads keystores written by openssl, with the password
// from an environment variable or a file; a wrong one is exit 2.
func TestCertsPKCS12(t *testing.T) {
	openssl := requireTool(t, "openssl")
	f := newCertsFixture(t)
	f.leaf(t, "billing", certstest.Days(-1), certstest.Days(90))
	certstest.Write(t, f.dir, "inter.pem", certstest.PEM(f.inter))
	cmd := exec.Command(openssl, "pkcs12", "-export", "-in", "billing.pem", "-inkey", "billing.key", "-certfile", "inter.pem", "-name", "billing", "-passout", "env:P12PW", "-out", "billing.p12")
	cmd.Dir = f.dir
	cmd.Env = append(os.Environ(), "P12PW=correct horse")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl pkcs12: %v\n%s", err, out)
	}
	certstest.Write(t, f.dir, "p12.pass", []byte("correct horse\n"))
	certstest.Write(t, f.dir, "wrong.pass", []byte("battery staple\n"))
	env := map[string]string{"P12PW": "correct horse"}
	for _, args := range [][]string{{"--p12-password-env", "P12PW"}, {"--p12-password-file", "p12.pass"}} {
		code, out, errs := certsCLI(t, f.dir, env, append(args, "--bundle", "root.pem", "--format", "json", "billing.p12")...)
		var doc struct {
			Findings []struct{ RuleID, Message string } `json:"findings"`
		}
		if code != ExitPass || json.Unmarshal([]byte(out), &doc) != nil || len(doc.Findings) != 1 || !strings.Contains(doc.Findings[0].Message, "spiffe://prod.example.org/billing; ") {
			t.Errorf("%v: code %d\n%s%s", args, code, out, errs)
		}
	}
	code, out, errs := certsCLI(t, f.dir, env, "--p12-password-file", "wrong.pass", "billing.p12")
	if code != ExitError || !strings.Contains(errs, "PKCS#12 password incorrect") || strings.Contains(out+errs, "battery") {
		t.Errorf("wrong password: code %d\n%s%s", code, out, errs)
	}
	if code, _, errs := certsCLI(t, f.dir, env, "billing.p12"); code != ExitError || !strings.Contains(errs, "PKCS#12 password missing") {
		t.Errorf("no password: code %d %s", code, errs)
	}
}

// sServer runs openssl s_server on loopback serving NAME.pem/NAME.key with
// extra flags, and returns its address once it accepts.
func sServer(t *testing.T, dir, name string, extra ...string) string {
	t.Helper()
	openssl := requireTool(t, "openssl")
	addr := closedPort(t)
	args := append([]string{"s_server", "-accept", addr, "-cert", name + ".pem", "-key", name + ".key", "-cert_chain", name + ".pem"}, extra...)
	cmd := exec.Command(openssl, args...)
	cmd.Dir = dir
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	// s_server reads commands from stdin; an open pipe keeps it serving.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(out.String(), "ACCEPT") {
		if time.Now().After(deadline) {
			t.Fatalf("s_server never accepted:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return addr
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestCertsLiveEndpoint(t *testing.T) {
	f := newCertsFixture(t)
	f.leaf(t, "billing", certstest.Days(-1), certstest.Days(90))
	f.leaf(t, "stale", certstest.Days(-90), certstest.Days(-1))
	other := certstest.CA(t, "Other Root", nil, certstest.Days(-1), certstest.Days(300))
	certstest.Write(t, f.dir, "other.pem", certstest.PEM(other))
	addr := sServer(t, f.dir, "billing")
	code, out, errs := certsCLI(t, f.dir, nil, "--bundle", "root.pem", "--crl", "inter.crl", addr)
	if code != ExitPass || !strings.Contains(out, "tls://"+addr) || !strings.Contains(out, "spiffe://prod.example.org/billing") || !strings.Contains(out, "chain: valid against the bundle") {
		t.Errorf("plain TLS: code %d\n%s%s", code, out, errs)
	}
	if code, out, _ := certsCLI(t, f.dir, nil, "--bundle", "other.pem", "https://"+addr+"/health"); code != ExitFindings || !strings.Contains(out, "CERT003") {
		t.Errorf("wrong bundle: code %d\n%s", code, out)
	}
	// s_server answers SNI billing.internal with its second certificate.
	f.leaf(t, "named", certstest.Days(-1), certstest.Days(90))
	named := sServer(t, f.dir, "billing", "-servername", "billing.internal", "-cert2", "named.pem", "-key2", "named.key")
	if code, out, _ := certsCLI(t, f.dir, nil, "--sni", "billing.internal", named); code != ExitPass || !strings.Contains(out, "spiffe://prod.example.org/named") {
		t.Errorf("--sni: code %d\n%s", code, out)
	}
	if code, out, _ := certsCLI(t, f.dir, nil, named); code != ExitPass || !strings.Contains(out, "spiffe://prod.example.org/billing") {
		t.Errorf("no SNI: code %d\n%s", code, out)
	}
	stale := sServer(t, f.dir, "stale")
	if code, out, _ := certsCLI(t, f.dir, nil, "--bundle", "root.pem", "tls://"+stale); code != ExitFindings || !strings.Contains(out, "CERT002") || strings.Contains(out, "CERT003") {
		t.Errorf("expired server certificate: code %d\n%s", code, out)
	}
}

// TestCertsMutualTLSEndpoint: s_server with -Verify requires a client
// certificate. With one the server's certificate is reported; without
// one, or with one the server does not trust, the run is exit 2 and says
// why, in TLS 1.3 (where the refusal comes after the handshake) and 1.2.
func TestCertsMutualTLSEndpoint(t *testing.T) {
	f := newCertsFixture(t)
	f.leaf(t, "billing", certstest.Days(-1), certstest.Days(90))
	f.leaf(t, "monitor", certstest.Days(-1), certstest.Days(90))
	certstest.Write(t, f.dir, "ca.pem", certstest.PEM(f.root, f.inter))
	stranger := certstest.CA(t, "Stranger CA", nil, certstest.Days(-1), certstest.Days(300))
	sc := certstest.Leaf(t, "spiffe://elsewhere.org/monitor", stranger, certstest.Days(-1), certstest.Days(90))
	certstest.Write(t, f.dir, "stranger.pem", certstest.PEM(sc))
	certstest.Write(t, f.dir, "stranger.key", sc.KeyPEM(t))
	for _, version := range []string{"-tls1_3", "-tls1_2"} {
		addr := sServer(t, f.dir, "billing", "-Verify", "2", "-verify_return_error", "-CAfile", "ca.pem", version)
		code, out, errs := certsCLI(t, f.dir, nil, "--bundle", "root.pem", "--client-cert", "monitor.pem", "--client-key", "monitor.key", addr)
		if code != ExitPass || !strings.Contains(out, "spiffe://prod.example.org/billing") {
			t.Errorf("%s with a client certificate: code %d\n%s%s", version, code, out, errs)
		}
		if code, out, errs := certsCLI(t, f.dir, nil, "--bundle", "root.pem", addr); code != ExitError || !strings.Contains(errs, "requires a client certificate") {
			t.Errorf("%s without a client certificate: code %d\n%s%s", version, code, out, errs)
		}
		if code, out, errs := certsCLI(t, f.dir, nil, "--client-cert", "stranger.pem", "--client-key", "stranger.key", addr); code != ExitError || !strings.Contains(errs, "refused the client certificate") {
			t.Errorf("%s with an untrusted client certificate: code %d\n%s%s", version, code, out, errs)
		}
	}
}

// TestCertsReports writes every structured format for a run with
// findings from files and an endpoint, and for a failed run; the SARIF
// passes the real validator, and an endpoint is an absolute URI in it.
func TestCertsReports(t *testing.T) {
	f := newCertsFixture(t)
	f.leaf(t, "billing", certstest.Days(-1), certstest.Days(90))
	f.leaf(t, "expired", certstest.Days(-90), certstest.Days(-2))
	addr := sServer(t, f.dir, "billing")
	code, out, errs := certsCLI(t, f.dir, nil, "--bundle", "root.pem", "--crl", "inter.crl", "--format", "sarif=out.sarif", "--format", "junit=out.xml",
		"--format", "markdown=out.md", "--format", "json=out.json", "billing.pem", "expired.pem", addr)
	if code != ExitFindings {
		t.Fatalf("code %d\n%s%s", code, out, errs)
	}
	var sarif struct {
		Runs []struct {
			Tool    struct{ Driver struct{ Name string } }
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string }
					}
				}
			}
		}
	}
	readJSON(t, filepath.Join(f.dir, "out.sarif"), &sarif)
	if len(sarif.Runs) != 1 || sarif.Runs[0].Tool.Driver.Name != "crank-gate-certs" {
		t.Fatalf("sarif runs: %+v", sarif.Runs)
	}
	got := map[string]string{}
	for _, r := range sarif.Runs[0].Results {
		loc := r.Locations[0].PhysicalLocation.ArtifactLocation
		got[r.RuleID+" "+loc.URI] = loc.URIBaseID
	}
	for key, base := range map[string]string{"CERT002 expired.pem": "SRCROOT", "CERT000 billing.pem": "SRCROOT", "CERT000 tls://" + addr: ""} {
		if b, ok := got[key]; !ok || b != base {
			t.Errorf("sarif lacks %s (base %q): %v", key, base, got)
		}
	}
	for name, want := range map[string]string{"out.xml": "CERT002", "out.md": "CERT002", "out.json": `"rule_id": "CERT002"`} {
		data, err := os.ReadFile(filepath.Join(f.dir, name))
		if err != nil || !strings.Contains(string(data), want) {
			t.Errorf("%s lacks %s: %v\n%s", name, want, err, data)
		}
	}
	code, _, _ = certsCLI(t, f.dir, nil, "--format", "sarif=failed.sarif", "missing.pem", "billing.pem")
	if code != ExitError {
		t.Errorf("failed run: code %d", code)
	}
	if bin := sariftest.Validator(t); bin != "" {
		sariftest.Validate(t, bin, filepath.Join(f.dir, "out.sarif"))
		sariftest.Validate(t, bin, filepath.Join(f.dir, "failed.sarif"))
	}
}

// TestCertsHostileInput: a huge file, a FIFO, a device and garbage are
// refused at once by name (exit 2, no hang); a certificate whose subject
// carries terminal escapes and a workflow command prints inert.
func TestCertsHostileInput(t *testing.T) {
	f := newCertsFixture(t)
	big := bytes.Repeat([]byte("A"), 9<<20)
	certstest.Write(t, f.dir, "huge.pem", append([]byte("-----BEGIN CERTIFICATE-----\n"), big...))
	certstest.Write(t, f.dir, "garbage.bin", bytes.Repeat([]byte{0x30, 0x82, 0xff, 0xff}, 1000))
	if err := syscall.Mkfifo(filepath.Join(f.dir, "cert.fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"huge.pem": "over the limit", "cert.fifo": "not a regular file", "/dev/zero": "not a regular file", "garbage.bin": "not a certificate"} {
		done := make(chan struct{})
		var code int
		var errs string
		go func() {
			defer close(done)
			code, _, errs = certsCLI(t, f.dir, nil, path)
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("certs %s hung", path)
		}
		if code != ExitError || !strings.Contains(errs, path+": ") || !strings.Contains(errs, want) {
			t.Errorf("%s: code %d %s", path, code, errs)
		}
	}
	evil := certstest.CA(t, "x\x1b[2J\n::add-mask::y", nil, certstest.Days(-1), certstest.Days(3))
	certstest.Write(t, f.dir, "evil.pem", certstest.PEM(evil))
	for _, format := range []string{"tty", "markdown"} {
		code, out, errs := certsCLI(t, f.dir, nil, "--format", format, "evil.pem")
		if code != ExitFindings {
			t.Errorf("%s: code %d", format, code)
		}
		for _, s := range []string{out, errs} {
			if strings.ContainsAny(s, "\x1b") {
				t.Errorf("%s: raw escape in output:\n%q", format, s)
			}
			for _, line := range strings.Split(s, "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "::") {
					t.Errorf("%s: line starts a workflow command: %q", format, line)
				}
			}
		}
	}
}

// TestCertsNeverPrintsKeys: a PEM file holding the private key beside the
// chain is read for its certificates; no output carries the key.
func TestCertsNeverPrintsKeys(t *testing.T) {
	f := newCertsFixture(t)
	c := f.leaf(t, "billing", certstest.Days(-90), certstest.Days(-1))
	key := c.KeyPEM(t)
	certstest.Write(t, f.dir, "combo.pem", append(append([]byte{}, key...), certstest.PEM(c, f.inter)...))
	keyBody := strings.Split(string(key), "\n")[1]
	for _, format := range []string{"tty", "json", "sarif", "junit", "markdown", "gitlab", "checkstyle"} {
		code, out, errs := certsCLI(t, f.dir, nil, "--format", format, "combo.pem")
		if code != ExitFindings || !strings.Contains(out, "CERT002") {
			t.Errorf("%s: code %d\n%s%s", format, code, out, errs)
		}
		if strings.Contains(out+errs, keyBody) || strings.Contains(out+errs, "PRIVATE KEY") {
			t.Errorf("%s: key material in the output", format)
		}
	}
}
