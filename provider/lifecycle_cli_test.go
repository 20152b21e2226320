package provider

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// These tests drive the CLI directly in directories of their own: they need
// a saved plan file to inspect, and a second, fresh working directory that
// has only the state and the key file, which plugin-testing cannot set up.

const cliTestPassphrase = "correct-horse-battery-staple"

type cliRun struct {
	t   *testing.T
	cli string
	rc  string
	env []string
}

// newCLIRun builds the provider and a dev_overrides CLI config (as
// scripts/lib.sh does), skipping on CLIs without write-only attributes.
func newCLIRun(t *testing.T) *cliRun {
	t.Helper()
	return newCLIRunSince(t, 11)
}

// newCLIRunSince skips on CLIs older than 1.<minor>: 11 for write-only
// attributes, 0 for tests every supported CLI must pass.
func newCLIRunSince(t *testing.T, minMinor int) *cliRun {
	t.Helper()
	requireAcc(t)
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	out, err := exec.Command(cli, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s version: %v\n%s", cli, err, out)
	}
	m := regexp.MustCompile(`v(\d+)\.(\d+)\.`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("cannot read the CLI version from %q", out)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	if major == 1 && minor < minMinor {
		t.Skipf("%s has no write-only attributes (needs 1.11 or later)", strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0]))
	}
	work := t.TempDir()
	plugins := filepath.Join(work, "plugins")
	if out, err := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-crank"), "..").CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	return &cliRun{t: t, cli: cli, rc: devOverridesRC(t, plugins), env: []string{pki.KeyPassphraseEnv + "=" + cliTestPassphrase}}
}

// devOverridesRC writes a CLI config that takes crank from the plugins dir.
func devOverridesRC(t *testing.T, plugins string) string {
	t.Helper()
	rc := filepath.Join(t.TempDir(), "cli.tfrc")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"crank-platform/crank\" = %q\n  }\n  direct {}\n}\n", plugins)
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return rc
}

// sub is c for a subtest, so a failure there stops only the subtest.
func (c *cliRun) sub(t *testing.T) *cliRun {
	d := *c
	d.t = t
	return &d
}

// tofu runs the CLI in dir; it returns combined output and the exit code.
func (c *cliRun) tofu(dir string, env []string, args ...string) (string, int) {
	c.t.Helper()
	switch {
	case len(args) > 1 && args[0] == "state":
		args = append([]string{args[0], args[1], "-no-color"}, args[2:]...)
	case len(args) > 0 && args[0] != "show":
		args = append([]string{args[0], "-no-color"}, args[1:]...)
	}
	cmd := exec.Command(c.cli, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+c.rc, "TF_IN_AUTOMATION=1", "NO_COLOR=1", "TF_ACC=")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatalf("%s %v: %v", c.cli, args, err)
	}
	return string(out), code
}

func (c *cliRun) mustTofu(dir string, args ...string) string {
	c.t.Helper()
	out, code := c.tofu(dir, c.env, args...)
	if code != 0 {
		c.t.Fatalf("%s %v in %s failed (%d):\n%s", c.cli, args, dir, code, out)
	}
	return out
}

const keysOutOfStateConfig = `
terraform {
  required_providers {
    crank = { source = "crank-platform/crank" }
  }
}
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject     = { common_name = "File-backed Root" }
  key_storage = "file"
  key_file    = "keys/root.key"
}
ephemeral "crank_private_key" "svc" {}
resource "crank_certificate" "svc" {
  issuer            = crank_ca.root.issuer
  service           = "svc"
  public_key_pem_wo = ephemeral.crank_private_key.svc.public_key_pem
}
# Stands in for a secret store's write-only argument: provisioners are the
# one built-in consumer of ephemeral values available offline.
resource "terraform_data" "deliver" {
  triggers_replace = crank_certificate.svc.serial
  provisioner "local-exec" {
    command     = "umask 077 && printf '%s' \"$KEY\" > delivered.key"
    environment = { KEY = ephemeral.crank_private_key.svc.private_key_pem }
  }
}
`

const secondRunExtra = `
resource "crank_certificate" "later" {
  issuer  = crank_ca.root.issuer
  service = "later"
  public_key_pem_wo = ephemeral.crank_private_key.svc.public_key_pem
}
`

// TestAccLifecycleKeysOutOfState: a file-backed CA, an ephemeral service key
// certified through public_key_pem_wo and delivered to the service; neither
// the saved plan nor the state holds any private key. A fresh working
// directory with only the state and the key file then issues another
// certificate, and every bad key file fails the plan without writing.
func TestAccLifecycleKeysOutOfState(t *testing.T) {
	c := newCLIRun(t)
	first := writeFiles(t, map[string]string{"main.tf": keysOutOfStateConfig})
	if err := os.Mkdir(filepath.Join(first, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	c.mustTofu(first, "plan", "-input=false", "-out=tfplan")
	planJSON := c.mustTofu(first, "show", "-json", "tfplan")
	c.mustTofu(first, "apply", "-input=false", "tfplan")
	state := readFile(t, filepath.Join(first, "terraform.tfstate"))

	st, err := os.Stat(filepath.Join(first, "keys", "root.key"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	caKey, err := pki.ReadKeyFile(filepath.Join(first, "keys", "root.key"), cliTestPassphrase, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run(first, "openssl", "pkey", "-in", "keys/root.key", "-passin", "pass:"+cliTestPassphrase, "-noout"); err != nil {
		t.Errorf("openssl cannot read the key file: %v", err)
	}
	svcKey, err := pki.ParsePrivateKeyPEM(readFile(t, filepath.Join(first, "delivered.key")))
	if err != nil {
		t.Fatalf("delivered key: %v", err)
	}
	for name, doc := range map[string]string{"saved plan JSON": planJSON, "state": state} {
		for _, marker := range []string{"PRIVATE KEY", "BEGIN EC", "BEGIN RSA"} {
			if strings.Contains(doc, marker) {
				t.Errorf("%s contains %q", name, marker)
			}
		}
		for label, key := range map[string]any{"CA key": caKey, "service key": svcKey} {
			for _, needle := range keyNeedles(t, key) {
				if strings.Contains(doc, needle) {
					t.Errorf("%s contains %s material %q", name, label, needle[:12])
				}
			}
		}
	}

	root := stateOutput(t, state, "crank_ca", "cert_pem")
	svcCert := stateOutput(t, state, "crank_certificate", "cert_pem")
	files := map[string]string{"root.pem": root, "svc.pem": svcCert}
	dir := writeFiles(t, files)
	if _, err := run(dir, "openssl", "verify", "-CAfile", "root.pem", "svc.pem"); err != nil {
		t.Errorf("openssl verify of the service certificate: %v", err)
	}
	leaf, _ := pki.ParseCertPEM(svcCert)
	if !pki.PublicKeysEqual(leaf.PublicKey, svcKey.Public()) {
		t.Error("the delivered key is not the certified key")
	}
	if out, code := c.tofu(first, c.env, "plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Errorf("second plan is not empty (exit %d):\n%s", code, out)
	}

	// A fresh working directory: the state (as a backend would hand it over)
	// and the key file, nothing else.
	second := writeFiles(t, map[string]string{"main.tf": keysOutOfStateConfig + secondRunExtra, "terraform.tfstate": state})
	if err := os.Mkdir(filepath.Join(second, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	keyPEM := readFile(t, filepath.Join(first, "keys", "root.key"))
	keyPath := filepath.Join(second, "keys", "root.key")
	if err := os.WriteFile(keyPath, []byte(keyPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	c.mustTofu(second, "apply", "-input=false", "-auto-approve")
	later := stateOutputOf(t, readFile(t, filepath.Join(second, "terraform.tfstate")), "crank_certificate", "later", "cert_pem")
	if _, err := run(writeFiles(t, map[string]string{"root.pem": root, "later.pem": later}), "openssl", "verify", "-CAfile", "root.pem", "later.pem"); err != nil {
		t.Errorf("certificate issued in the fresh directory does not verify: %v", err)
	}

	other, _ := pki.GenerateKey(pki.ECDSAP256)
	otherPEM, _ := pki.EncryptPrivateKeyPEM(other, cliTestPassphrase)
	for _, tc := range []struct {
		name, file string
		remove     bool
		env        []string
		want       []string
	}{
		{name: "wrong passphrase", file: keyPEM, env: []string{pki.KeyPassphraseEnv + "=not-the-passphrase"}, want: []string{"Wrong passphrase for the CA key file", "Set " + pki.KeyPassphraseEnv}},
		{name: "corrupt key file", file: "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", env: c.env, want: []string{"CA key file is damaged", "Restore it from backup"}},
		{name: "key file of another CA", file: string(otherPEM), env: c.env, want: []string{"Key file was swapped for another CA's", "The file itself is intact"}},
		{name: "missing key file", remove: true, env: c.env, want: []string{"CA key file not found", "restore the file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.remove {
				os.Remove(keyPath)
			} else if err := os.WriteFile(keyPath, []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			before := digestDir(t, second)
			// Re-issuing a certificate needs the CA key; a plan that signs
			// nothing only warns about it, so destroy always finishes.
			out, code := c.tofu(second, tc.env, "apply", "-input=false", "-auto-approve", "-replace=crank_certificate.later")
			if code == 0 {
				t.Fatalf("apply succeeded with a bad key file:\n%s", out)
			}
			flat := strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " ")
			for _, w := range tc.want {
				if !strings.Contains(flat, w) {
					t.Errorf("diagnostic lacks %q:\n%s", w, out)
				}
			}
			if after := digestDir(t, second); after != before {
				t.Errorf("a failed run changed files in the working directory")
			}
		})
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// keyNeedles are fragments of a private key in the encodings it could leak
// in: base64 of its PKCS#8 DER (PEM bodies, handles) and hex of the scalar.
// Only the secret part counts: PKCS#8 of an EC key ends with the public point,
// which the certificates in state rightly carry.
func keyNeedles(t *testing.T, key any) []string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	b := base64.StdEncoding.EncodeToString(der)
	needles := []string{b[40:88]}
	if ec, ok := key.(*ecdsa.PrivateKey); ok {
		d, _ := ec.Bytes()
		needles = append(needles, hex.EncodeToString(d), base64.StdEncoding.EncodeToString(d)[:32])
	}
	return needles
}

var stateAttrRe = regexp.MustCompile(`"type":\s*"([a-z_]+)",\s*"name":\s*"([a-z_]+)"`)

func stateOutput(t *testing.T, state, typ, attr string) string {
	t.Helper()
	for _, m := range stateAttrRe.FindAllStringSubmatch(state, -1) {
		if m[1] == typ {
			return stateOutputOf(t, state, typ, m[2], attr)
		}
	}
	t.Fatalf("no %s in state", typ)
	return ""
}

func stateOutputOf(t *testing.T, state, typ, name, attr string) string {
	t.Helper()
	var doc struct {
		Resources []struct {
			Type, Name string
			Instances  []struct {
				Attributes map[string]any `json:"attributes"`
			}
		}
	}
	if err := jsonUnmarshal([]byte(state), &doc); err != nil {
		t.Fatal(err)
	}
	for _, r := range doc.Resources {
		if r.Type == typ && r.Name == name && len(r.Instances) == 1 {
			if s, ok := r.Instances[0].Attributes[attr].(string); ok {
				return s
			}
		}
	}
	t.Fatalf("%s.%s.%s not in state", typ, name, attr)
	return ""
}

func digestDir(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || strings.Contains(p, ".terraform") {
			return err
		}
		fmt.Fprintf(h, "%s %o\n", p, info.Mode())
		b, err := os.ReadFile(p)
		h.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}
