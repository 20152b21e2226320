package provider

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// These tests interrupt applies the way a bad day does — the provider or
// the CLI killed with SIGKILL at chosen points, a 0-byte state, `state rm` —
// and prove that a plain re-apply recovers and keeps the key that was made.
// They use CRANK_KEY_PASSPHRASE only (no write-only arguments), so they run
// on Terraform 1.5.7 as well as on OpenTofu.

const crashConfig = `
terraform {
  required_providers {
    crank = { source = "crank-platform/crank" }
  }
}
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "root" {
  subject     = { common_name = "Crash Root" }
  key_storage = "file"
  key_file    = "keys/root.key"
}
resource "crank_ca" "int" {
  parent      = crank_ca.root.issuer
  subject     = { common_name = %q }
  key_storage = "file"
  key_file    = %q
}
resource "crank_certificate" "svc" {
  issuer  = crank_ca.int.issuer
  service = "svc"
}
`

func crashMain(intCN, intKey string) string {
	return strings.Replace(strings.Replace(crashConfig, "%q", `"`+intCN+`"`, 1), "%q", `"`+intKey+`"`, 1)
}

// crashDir is a working directory with the configuration and a keys/ dir.
func crashDir(t *testing.T) string {
	t.Helper()
	dir := writeFiles(t, map[string]string{"main.tf": crashMain("Crash Intermediate", "keys/int.key")})
	if err := os.Mkdir(filepath.Join(dir, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// keyFingerprint is the public key fingerprint of the key in a key file.
func keyFingerprint(t *testing.T, p string) string {
	t.Helper()
	k, err := pki.ReadKeyFile(p, cliTestPassphrase, "")
	if err != nil {
		t.Fatalf("reading %s: %v", p, err)
	}
	fp, err := pki.PublicKeyFingerprint(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

// stateKeyFingerprint is the key fingerprint a CA's issuer handle in state names.
func stateKeyFingerprint(t *testing.T, dir, name string) string {
	t.Helper()
	h, err := pki.DecodeHandle(stateOutputOf(t, readFile(t, filepath.Join(dir, "terraform.tfstate")), "crank_ca", name, "issuer"))
	if err != nil {
		t.Fatal(err)
	}
	return h.KeyFingerprint
}

func tempKeyFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "keys", ".crank-key-*"))
	return m
}

func flat(out string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " ")
}

// recoverAndCheck re-applies plainly and checks that every CA in state uses
// the key in its file, that the keys named in want were kept, that no
// temporary key file is left, and that the next plan is empty.
func recoverAndCheck(t *testing.T, c *cliRun, dir string, want map[string]string) string {
	t.Helper()
	out := c.mustTofu(dir, "apply", "-input=false", "-auto-approve")
	for name, file := range map[string]string{"root": "keys/root.key", "int": "keys/int.key"} {
		got := keyFingerprint(t, filepath.Join(dir, file))
		if st := stateKeyFingerprint(t, dir, name); st != got {
			t.Errorf("crank_ca.%s in state names key %s, its file holds %s", name, st, got)
		}
		if w, ok := want[name]; ok && w != got {
			t.Errorf("crank_ca.%s: the key made before the crash (%s) was not kept; the file now holds %s", name, w, got)
		}
	}
	if left := tempKeyFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary key files left after recovery: %v", left)
	}
	if out, code := c.tofu(dir, c.env, "plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Errorf("plan after recovery is not empty (exit %d):\n%s", code, out)
	}
	return out
}

// TestAccCrashRecoveryFaultPoints kills the provider (SIGKILL, through the
// test-only fault hook) at each step of a file-backed create and re-applies.
func TestAccCrashRecoveryFaultPoints(t *testing.T) {
	c := newCLIRunSince(t, 0)
	for _, tc := range []struct {
		point    string
		keptKeys []string // key files that exist after the crash and must be kept
		adopted  bool
		temps    bool
	}{
		// The root's key is written to a temporary file and synced, not linked.
		{point: "ca-key-temp-written", temps: true},
		// The root's key file is in place; the create has not returned.
		{point: "ca-key-linked", keptKeys: []string{"root"}, adopted: true, temps: true},
		// The intermediate's key file is complete; Terraform never got the CA.
		{point: "ca-create-before-state#2", keptKeys: []string{"root", "int"}, adopted: true},
	} {
		t.Run(tc.point, func(t *testing.T) {
			dir := crashDir(t)
			env := append([]string{pki.FaultEnv + "=" + tc.point}, c.env...)
			out, code := c.tofu(dir, env, "apply", "-input=false", "-auto-approve")
			if code == 0 {
				t.Fatalf("apply with fault %s succeeded:\n%s", tc.point, out)
			}
			if got := len(tempKeyFiles(t, dir)) > 0; got != tc.temps {
				t.Errorf("temporary key file left by the crash: %v, want %v", got, tc.temps)
			}
			want := map[string]string{}
			for _, name := range tc.keptKeys {
				want[name] = keyFingerprint(t, filepath.Join(dir, "keys", name+".key"))
			}
			out = recoverAndCheck(t, c, dir, want)
			if strings.Contains(flat(out), "Adopted the existing CA key file") != tc.adopted {
				t.Errorf("adoption warning shown = %v, want %v:\n%s", !tc.adopted, tc.adopted, out)
			}
			if tc.temps && !strings.Contains(flat(out), "Removed leftover temporary key files") {
				t.Errorf("the recovery did not say it removed the temporary key files:\n%s", out)
			}
		})
	}
}

// TestAccCrashRecoveryKilledCLI kills the CLI and the provider together
// (their process group, SIGKILL) as soon as the intermediate's key file
// exists, before the apply could save the state.
func TestAccCrashRecoveryKilledCLI(t *testing.T) {
	c := newCLIRunSince(t, 0)
	dir := crashDir(t)
	cmd := exec.Command(c.cli, "apply", "-no-color", "-input=false", "-auto-approve")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+c.rc, "TF_IN_AUTOMATION=1", "TF_ACC=")
	cmd.Env = append(cmd.Env, c.env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	keyFile := filepath.Join(dir, "keys", "int.key")
	deadline := time.After(3 * time.Minute)
wait:
	for {
		select {
		case <-done:
			t.Fatal("the apply finished before the intermediate's key file appeared")
		case <-deadline:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			t.Fatal("the intermediate's key file did not appear")
		case <-time.After(5 * time.Millisecond):
			if _, err := os.Stat(keyFile); err == nil {
				break wait
			}
		}
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-done
	// The file may still be a hard link being completed; reading it is enough.
	want := map[string]string{"root": keyFingerprint(t, filepath.Join(dir, "keys", "root.key")), "int": keyFingerprint(t, keyFile)}
	recoverAndCheck(t, c, dir, want)
}

// TestAccCrashRecoveryLostState: a 0-byte state (as a CLI killed while
// writing it leaves) and `state rm` of a CA both recover with a plain apply,
// keeping the keys; what the re-adopted intermediate signs verifies.
func TestAccCrashRecoveryLostState(t *testing.T) {
	c := newCLIRunSince(t, 0)
	dir := crashDir(t)
	c.mustTofu(dir, "apply", "-input=false", "-auto-approve")
	want := map[string]string{"root": keyFingerprint(t, filepath.Join(dir, "keys", "root.key")), "int": keyFingerprint(t, filepath.Join(dir, "keys", "int.key"))}

	if err := os.WriteFile(filepath.Join(dir, "terraform.tfstate"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out := recoverAndCheck(t, c, dir, want)
	// The CLI folds warnings of the same summary into one ("and one more
	// similar warning"); the fingerprints above prove both were adopted.
	if !strings.Contains(flat(out), "Adopted the existing CA key file") {
		t.Errorf("after a 0-byte state, no adoption warning:\n%s", out)
	}

	c.mustTofu(dir, "state", "rm", "crank_ca.int")
	out = recoverAndCheck(t, c, dir, want)
	if !strings.Contains(flat(out), "Adopted the existing CA key file") {
		t.Errorf("state rm: no adoption warning:\n%s", out)
	}
	// The re-adopted intermediate still signs what chains to the same root.
	state := readFile(t, filepath.Join(dir, "terraform.tfstate"))
	files := writeFiles(t, map[string]string{
		"root.pem": stateOutputOf(t, state, "crank_ca", "root", "cert_pem"),
		"int.pem":  stateOutputOf(t, state, "crank_ca", "int", "cert_pem"),
		"svc.pem":  stateOutputOf(t, state, "crank_certificate", "svc", "cert_pem"),
	})
	if out, err := run(files, "openssl", "verify", "-CAfile", "root.pem", "-untrusted", "int.pem", "svc.pem"); err != nil {
		t.Errorf("the service certificate does not verify after recovery: %v\n%s", err, out)
	}
}
