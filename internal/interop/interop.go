// Package interop checks certificates with independent TLS stacks: OpenSSL,
// GnuTLS (certtool, gnutls-serv/gnutls-cli), Python's ssl, Java (PKIX and
// SSLSocket with PKCS#12 keystores) and zlint. The interop matrix tests of
// internal/pki and the provider share it, so what they assert is the same.
// Every server binds to 127.0.0.1; gnutls-serv, which has no bind option,
// runs inside a network namespace of its own.
package interop

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

//go:embed Interop.java
var javaSource []byte

//go:embed interop.py
var pythonSource []byte

// P12Password protects the keystores the matrix writes.
const P12Password = "interop-pass"

// ZlintVersion is the zlint .ci/run builds into $HOME/.cache/crank-ci/bin.
const ZlintVersion = "v3.7.3"

// Case is one certificate (with its chain) to put through the stacks, and
// a peer from the same issuer for the other side of a handshake.
type Case struct {
	Dir           string
	Root          *x509.Certificate
	Intermediates []*x509.Certificate
	Leaf          *x509.Certificate
	LeafKey       crypto.Signer // nil: validation checks only
	Peer          *x509.Certificate
	PeerKey       crypto.Signer
	// Roles the leaf plays in handshakes: "server", "client".
	Roles []string
	// Hostname: clients check the leaf's IP SAN 127.0.0.1 when it serves.
	Hostname bool
	// Alias is the friendlyName leaf.p12 carries (default: the file is
	// written with pki.EncodePKCS12's default).
	Alias string
}

// Write puts the case's files into Dir.
func (c *Case) Write() error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	files := map[string]string{
		"root.pem":       pki.EncodeCertsPEM(c.Root),
		"leaf.pem":       pki.EncodeCertsPEM(c.Leaf),
		"leaf-chain.pem": pki.EncodeCertsPEM(append([]*x509.Certificate{c.Leaf}, c.Intermediates...)...),
	}
	if len(c.Intermediates) > 0 {
		files["inter.pem"] = pki.EncodeCertsPEM(c.Intermediates...)
	}
	if len(c.Roles) > 0 {
		files["roles"] = strings.Join(c.Roles, " ")
	}
	if c.Hostname {
		files["hostname"] = "127.0.0.1"
	}
	if c.Alias != "" {
		files["alias"] = c.Alias
	}
	for _, kp := range []struct {
		who  string
		cert *x509.Certificate
		key  crypto.Signer
	}{{"leaf", c.Leaf, c.LeafKey}, {"peer", c.Peer, c.PeerKey}} {
		if kp.key == nil {
			continue
		}
		keyPEM, err := pki.EncodePrivateKeyPEM(kp.key)
		if err != nil {
			return err
		}
		chainPEM := pki.EncodeCertsPEM(append([]*x509.Certificate{kp.cert}, c.Intermediates...)...)
		files[kp.who+".key"] = keyPEM
		files[kp.who+"-chain.pem"] = chainPEM
		p12, err := pki.EncodePKCS12(pki.EncodeCertsPEM(kp.cert), keyPEM, chainPEM, P12Password, pki.PKCS12Options{FriendlyName: c.Alias})
		if err != nil {
			return fmt.Errorf("%s.p12: %w", kp.who, err)
		}
		files[kp.who+".p12"] = string(p12)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(c.Dir, name), []byte(content), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// Tool finds a command, failing the test (never skipping) with the Debian
// package that provides it.
func Tool(t testing.TB, name, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is required by the interop matrix and was not found on PATH; install the Debian package %s (.ci/run does)", name, debianPackage)
	}
	return p
}

// Zlint finds zlint where .ci/run builds it, or on PATH.
func Zlint(t testing.TB) string {
	t.Helper()
	home, _ := os.UserHomeDir()
	p := filepath.Join(home, ".cache", "crank-ci", "bin", "zlint-"+ZlintVersion)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	if p, err := exec.LookPath("zlint"); err == nil {
		return p
	}
	t.Fatalf("zlint is required by the interop matrix: build it with GOBIN=$(mktemp -d) go install github.com/zmap/zlint/v3/cmd/zlint@%s and move it to %s (.ci/run does)", ZlintVersion, p)
	return ""
}

func run(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func timeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 60*time.Second)
}

// OpenSSLVerify runs openssl verify -x509_strict on the leaf, with an SSL
// purpose when purpose is "sslserver" or "sslclient".
func OpenSSLVerify(dir, purpose string) error {
	ctx, cancel := timeout()
	defer cancel()
	args := []string{"verify", "-x509_strict", "-CAfile", filepath.Join(dir, "root.pem")}
	if _, err := os.Stat(filepath.Join(dir, "inter.pem")); err == nil {
		args = append(args, "-untrusted", filepath.Join(dir, "inter.pem"))
	}
	if purpose != "" {
		args = append(args, "-purpose", purpose)
	}
	out, err := run(ctx, "openssl", append(args, filepath.Join(dir, "leaf.pem"))...)
	if err != nil || !strings.Contains(out, ": OK") {
		return fmt.Errorf("openssl verify: %v: %s", err, strings.TrimSpace(out))
	}
	return nil
}

// Purpose OIDs for certtool --verify-purpose.
const (
	ServerAuthOID = "1.3.6.1.5.5.7.3.1"
	ClientAuthOID = "1.3.6.1.5.5.7.3.2"
)

// CerttoolVerify runs GnuTLS's certtool --verify on the leaf's chain.
func CerttoolVerify(dir, purposeOID string) error {
	ctx, cancel := timeout()
	defer cancel()
	args := []string{"--verify", "--load-ca-certificate", filepath.Join(dir, "root.pem"), "--infile", filepath.Join(dir, "leaf-chain.pem")}
	if purposeOID != "" {
		args = append(args, "--verify-purpose", purposeOID)
	}
	out, err := run(ctx, "certtool", args...)
	if err != nil || !strings.Contains(out, "Chain verification output: Verified.") {
		return fmt.Errorf("certtool --verify: %v: %s", err, lastLines(out, 3))
	}
	return nil
}

// GoVerify runs crypto/x509's path validation for the given usages.
func GoVerify(c *Case, usage x509.ExtKeyUsage) error {
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(c.Root)
	for _, i := range c.Intermediates {
		inter.AddCert(i)
	}
	_, err := c.Leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{usage}, CurrentTime: c.Leaf.NotBefore.Add(time.Second)})
	return err
}

// ZlintErrors lints a PEM certificate with the RFC 5280 lints and returns
// the names of those that report an error or fatal result.
func ZlintErrors(zlint, certFile string) ([]string, error) {
	ctx, cancel := timeout()
	defer cancel()
	out, err := exec.CommandContext(ctx, zlint, "-includeSources", "RFC5280", certFile).Output()
	if err != nil {
		return nil, fmt.Errorf("zlint %s: %w", certFile, err)
	}
	var results map[string]struct {
		Result string `json:"result"`
	}
	if err := json.Unmarshal(out, &results); err != nil {
		return nil, fmt.Errorf("zlint output: %w", err)
	}
	if len(results) < 50 {
		return nil, fmt.Errorf("zlint ran only %d RFC 5280 lints; expected the full set", len(results))
	}
	var bad []string
	for name, r := range results {
		if r.Result == "error" || r.Result == "fatal" {
			bad = append(bad, name)
		}
	}
	slices.Sort(bad)
	return bad, nil
}

// Results maps "DIR\tCHECK" to "" (ok) or the failure.
type Results map[string]string

func parseResults(out string) Results {
	r := Results{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.SplitN(line, "\t", 4)
		if len(f) < 3 {
			continue
		}
		key := f[0] + "\t" + f[1]
		switch {
		case f[2] == "ok":
			r[key] = ""
		case len(f) == 4:
			r[key] = f[3]
		default:
			r[key] = "failed"
		}
	}
	return r
}

// Get returns the outcome of check for dir and whether it ran at all.
func (r Results) Get(dir, check string) (failure string, ran bool) {
	failure, ran = r[dir+"\t"+check]
	return failure, ran
}

// RunJava runs Interop.java over the case directories in one JVM.
func RunJava(t testing.TB, dirs []string) Results {
	t.Helper()
	return runScript(t, Tool(t, "java", "openjdk-17-jdk-headless"), "Interop.java", javaSource, dirs,
		"the JDK's single-file launcher needs a JDK, for example openjdk-17-jdk-headless")
}

// RunPython runs interop.py over the case directories.
func RunPython(t testing.TB, dirs []string) Results {
	t.Helper()
	return runScript(t, Tool(t, "python3", "python3"), "interop.py", pythonSource, dirs, "")
}

func runScript(t testing.TB, interpreter, name string, source []byte, dirs []string, hint string) Results {
	t.Helper()
	src := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(src, source, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, interpreter, append([]string{src}, dirs...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s (%s): %v\n%s", filepath.Base(interpreter), name, hint, err, lastLines(stderr.String(), 20))
	}
	return parseResults(string(out))
}

// Netns is a network namespace with only a loopback interface, so
// gnutls-serv (which listens on every address) is reachable from nowhere
// but the processes started inside it.
type Netns struct {
	name string
	mu   sync.Mutex
	port int
}

var netnsCount atomic.Int32

// NewNetns creates the namespace; it is deleted when the test ends.
func NewNetns(t testing.TB) *Netns {
	t.Helper()
	Tool(t, "ip", "iproute2")
	name := fmt.Sprintf("crank-interop-%d-%d", os.Getpid(), netnsCount.Add(1))
	ctx, cancel := timeout()
	defer cancel()
	if out, err := run(ctx, "ip", "netns", "add", name); err != nil {
		t.Fatalf("ip netns add %s (needs root and iproute2): %v: %s", name, err, out)
	}
	t.Cleanup(func() {
		ctx, cancel := timeout()
		defer cancel()
		if out, err := run(ctx, "ip", "netns", "del", name); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	if out, err := run(ctx, "ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"); err != nil {
		t.Fatalf("bringing up lo in %s: %v: %s", name, err, out)
	}
	return &Netns{name: name, port: 20000}
}

func (n *Netns) nextPort() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.port++
	return n.port
}

// command runs args inside the namespace with line-buffered stdout
// (stdbuf), since the GnuTLS tools say they are ready through stdio.
func (n *Netns) command(ctx context.Context, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.name, "stdbuf", "-oL"}, args...)...)
}

// GnuTLSHandshake runs gnutls-serv with serverWho's key and chain, requiring
// and verifying a client certificate, and gnutls-cli with clientWho's,
// verifying the server's chain (and its IP SAN with hostname), then checks a
// line round-trips through the echo server.
func (n *Netns) GnuTLSHandshake(dir, serverWho, clientWho string, hostname bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	port := n.nextPort()
	root := filepath.Join(dir, "root.pem")
	srv := n.command(ctx, "gnutls-serv", "--echo", "-p", fmt.Sprint(port),
		"--x509certfile", filepath.Join(dir, serverWho+"-chain.pem"), "--x509keyfile", filepath.Join(dir, serverWho+".key"),
		"--x509cafile", root, "--require-client-cert", "--verify-client-cert")
	srvOut, err := srv.StdoutPipe()
	if err != nil {
		return err
	}
	srv.Stderr = srv.Stdout // "listening" is written to stderr
	if err := srv.Start(); err != nil {
		return fmt.Errorf("gnutls-serv: %w", err)
	}
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	var srvLog lockedLog
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(srvOut)
		once := sync.Once{}
		for sc.Scan() {
			srvLog.add(sc.Text())
			if strings.Contains(sc.Text(), "listening") {
				once.Do(func() { close(ready) })
			}
		}
	}()
	select {
	case <-ready:
	case <-ctx.Done():
		return fmt.Errorf("gnutls-serv did not start: %s", lastLines(srvLog.String(), 4))
	}
	args := []string{"gnutls-cli", "-p", fmt.Sprint(port), "--x509cafile", root,
		"--x509certfile", filepath.Join(dir, clientWho+"-chain.pem"), "--x509keyfile", filepath.Join(dir, clientWho+".key")}
	if !hostname {
		// The leaf names no host; --insecure only lets the status through, which
		// must then say that the name, and nothing else, did not match.
		args = append(args, "--insecure")
	}
	cli := n.command(ctx, append(args, "127.0.0.1")...)
	stdin, err := cli.StdinPipe()
	if err != nil {
		return err
	}
	cliOut, err := cli.StdoutPipe()
	if err != nil {
		return err
	}
	cli.Stderr = cli.Stdout
	if err := cli.Start(); err != nil {
		return fmt.Errorf("gnutls-cli: %w", err)
	}
	defer func() { _ = cli.Process.Kill(); _ = cli.Wait() }()
	// gnutls-cli reads stdin once the handshake is done.
	if _, err := stdin.Write([]byte("crank-interop-ping\n")); err != nil {
		return fmt.Errorf("gnutls-cli stdin: %w", err)
	}
	var cliLog strings.Builder
	echoed := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(cliOut)
		for sc.Scan() {
			cliLog.WriteString(sc.Text() + "\n")
			if strings.TrimSpace(sc.Text()) == "crank-interop-ping" {
				echoed <- true
				return
			}
		}
		echoed <- false
	}()
	var ok, done bool
	select {
	case ok = <-echoed:
		done = true
	case <-ctx.Done():
	}
	_ = stdin.Close()
	_ = cli.Process.Kill()
	_ = cli.Wait()
	if !done {
		<-echoed // the reader ends with the killed client
	}
	log := cliLog.String()
	if !ok {
		return fmt.Errorf("gnutls handshake failed; client: %s; server: %s", lastLines(log, 4), lastLines(srvLog.String(), 4))
	}
	if !hostname {
		status := statusLine(log)
		if status != "- Status: The certificate is NOT trusted. The name in the certificate does not match the expected." {
			return fmt.Errorf("gnutls-cli: chain not trusted beyond the host name: %q", status)
		}
	} else if statusLine(log) != "- Status: The certificate is trusted." {
		return fmt.Errorf("gnutls-cli: %q", statusLine(log))
	}
	return nil
}

type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(line + "\n")
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func statusLine(log string) string {
	for _, l := range strings.Split(log, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "- Status:") {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
