package image

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/crank-platform/terraform-provider-crank/gate/image/imagetest"
)

// testRegistry is Debian's docker-registry (distribution v2) on loopback
// with TLS from a CA made here and htpasswd authentication.
type testRegistry struct {
	host   string // 127.0.0.1:PORT
	caFile string
	user   string
	pass   string
}

// startRegistry needs the Debian packages docker-registry and
// apache2-utils (htpasswd). CI must have them: there a missing binary
// fails the test instead of skipping it.
func startRegistry(t *testing.T) *testRegistry {
	t.Helper()
	for _, bin := range []string{"docker-registry", "htpasswd"} {
		if _, err := exec.LookPath(bin); err != nil {
			msg := fmt.Sprintf("%s not found: install the Debian packages docker-registry apache2-utils (apt-get install -y docker-registry apache2-utils)", bin)
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	dir := t.TempDir()
	r := &testRegistry{user: "gate", pass: "s3cret-registry-pass"}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	r.caFile = filepath.Join(dir, "ca.pem")
	writeTestPKI(t, r.caFile, certFile, keyFile)
	out, err := exec.Command("htpasswd", "-Bbn", r.user, r.pass).Output()
	if err != nil {
		t.Fatalf("htpasswd: %v", err)
	}
	htpasswd := filepath.Join(dir, "htpasswd")
	if err := os.WriteFile(htpasswd, out, 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.host = l.Addr().String()
	l.Close()
	cfg := fmt.Sprintf(`version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: %s
http:
  addr: %s
  tls:
    certificate: %s
    key: %s
auth:
  htpasswd:
    realm: crank-gate-test
    path: %s
`, filepath.Join(dir, "data"), r.host, certFile, keyFile, htpasswd)
	cfgFile := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("docker-registry", "serve", cfgFile)
	logFile, _ := os.Create(filepath.Join(dir, "registry.log"))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("docker-registry: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logFile.Close()
	})
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: caPool(t, r.caFile)}}, Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get("https://" + r.host + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusUnauthorized {
				return r
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "registry.log"))
			t.Fatalf("docker-registry did not come up on %s: %v\n%s", r.host, err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func caPool(t *testing.T, caFile string) *x509.CertPool {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return pool
}

func writeTestPKI(t *testing.T, caFile, certFile, keyFile string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "crank-gate test CA"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	for file, block := range map[string]*pem.Block{caFile: {Type: "CERTIFICATE", Bytes: caDER}, certFile: {Type: "CERTIFICATE", Bytes: der}, keyFile: {Type: "EC PRIVATE KEY", Bytes: keyDER}} {
		if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// dockerConfig writes a DOCKER_CONFIG directory holding user:pass for
// the registry and returns it.
func (r *testRegistry) dockerConfig(t *testing.T, user, pass string) string {
	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	cfg := fmt.Sprintf(`{"auths":{%q:{"auth":%q}}}`, r.host, auth)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func (r *testRegistry) push(t *testing.T, repoTag string, img v1.Image) {
	t.Helper()
	ref, err := name.ParseReference(r.host + "/" + repoTag)
	if err != nil {
		t.Fatal(err)
	}
	rt := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: caPool(t, r.caFile)}}
	if err := remote.Write(ref, img, remote.WithAuth(&authn.Basic{Username: r.user, Password: r.pass}), remote.WithTransport(rt)); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
}

func (r *testRegistry) pushIndex(t *testing.T, repoTag string, idx v1.ImageIndex) {
	t.Helper()
	ref, _ := name.ParseReference(r.host + "/" + repoTag)
	rt := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: caPool(t, r.caFile)}}
	if err := remote.WriteIndex(ref, idx, remote.WithAuth(&authn.Basic{Username: r.user, Password: r.pass}), remote.WithTransport(rt)); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
}

func TestRegistryIntegration(t *testing.T) {
	reg := startRegistry(t)
	insecure, hardened := imagetest.Insecure(t), imagetest.Hardened(t)
	reg.push(t, "crank/insecure:1", insecure)
	reg.push(t, "crank/hardened:1", hardened)
	idx := imagetest.WriteIndex(t, t.TempDir(), map[string]v1.Image{"linux/amd64": hardened, "linux/arm64/v8": imagetest.VulnerableAlpine(t)}, "multi")
	reg.pushIndex(t, "crank/multi:1", idx)
	t.Setenv("DOCKER_CONFIG", reg.dockerConfig(t, reg.user, reg.pass))
	ctx := context.Background()

	want := strings.Join(ids(scan(t, insecure, "mem").Findings(LogicalLocator("mem"))), ",")
	ref := reg.host + "/crank/insecure:1"
	src, err := Open(ctx, ref, SourceOptions{CAFile: reg.caFile})
	if err != nil {
		t.Fatalf("open %s: %v", ref, err)
	}
	res, err := Run(ctx, src.Image, Options{Ref: ref, Annotations: src.Annotations, Policy: DefaultPolicy()})
	if err != nil {
		t.Fatalf("scan %s: %v", ref, err)
	}
	fs := res.Findings(LogicalLocator(ref))
	if got := strings.Join(ids(fs), ","); got != want {
		t.Errorf("pulled image findings differ from the in-memory image:\n got %s\nwant %s", got, want)
	}
	assertRedacted(t, fs)

	// By digest. (SSL_CERT_FILE is read once per process by Go's system
	// pool, so it is exercised by the CLI test, not here.)
	d, _ := insecure.Digest()
	if _, err := Open(ctx, reg.host+"/crank/insecure@"+d.String(), SourceOptions{CAFile: reg.caFile}); err != nil {
		t.Errorf("by digest: %v", err)
	}

	// Multi-platform index through the registry.
	src, err = Open(ctx, reg.host+"/crank/multi:1", SourceOptions{CAFile: reg.caFile, Platform: "linux/arm64"})
	if err != nil {
		t.Fatalf("multi: %v", err)
	}
	if cf, _ := src.Image.ConfigFile(); cf == nil || cf.Config.User != "1000:1000" {
		t.Errorf("multi arm64: unexpected config %+v", cf)
	}
	if _, err := Open(ctx, reg.host+"/crank/multi:1", SourceOptions{CAFile: reg.caFile, Platform: "windows/amd64"}); err == nil || !strings.Contains(err.Error(), "available: ") {
		t.Errorf("multi windows: want the platforms listed, got %v", err)
	}

	for _, tc := range []struct {
		name, ref string
		opt       SourceOptions
		config    string
		want      string
	}{
		{"missing tag", reg.host + "/crank/insecure:nope", SourceOptions{CAFile: reg.caFile}, reg.dockerConfig(t, reg.user, reg.pass), "not found in registry"},
		{"missing repository", reg.host + "/crank/none:1", SourceOptions{CAFile: reg.caFile}, reg.dockerConfig(t, reg.user, reg.pass), "not found in registry"},
		{"wrong password", ref, SourceOptions{CAFile: reg.caFile}, reg.dockerConfig(t, reg.user, "wrong"), "refused the credentials"},
		{"no credentials", ref, SourceOptions{CAFile: reg.caFile}, t.TempDir(), "refused the credentials"},
		{"unknown CA", ref, SourceOptions{}, reg.dockerConfig(t, reg.user, reg.pass), "TLS verification of registry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("DOCKER_CONFIG", tc.config)
			_, err := Open(ctx, tc.ref, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), reg.pass) {
				t.Errorf("the error leaks the password: %v", err)
			}
		})
	}
}
