package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// expectPlanFails plans in dir and requires a failure whose output holds
// every string of want.
func expectPlanFails(t *testing.T, c *cliRun, dir string, want ...string) {
	t.Helper()
	out, code := c.tofu(dir, c.env, "plan", "-input=false")
	if code == 0 {
		t.Fatalf("plan succeeded, want a failure mentioning %q:\n%s", want, out)
	}
	for _, w := range want {
		if !strings.Contains(flat(out), w) {
			t.Errorf("plan output lacks %q:\n%s", w, out)
		}
	}
}

func writeMain(t *testing.T, dir, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

var replacedRe = regexp.MustCompile(`must be replaced|forces replacement`)

// expectNoReplacement plans and fails if anything would be replaced.
func expectNoReplacement(t *testing.T, c *cliRun, dir string) {
	t.Helper()
	out := c.mustTofu(dir, "plan", "-input=false")
	if replacedRe.MatchString(out) {
		t.Errorf("plan replaces a resource:\n%s", out)
	}
}

// TestAccKeyFileMisuse walks the operator mistakes of issue 20 on one
// hierarchy: a world-readable key file, a key_file changed without moving
// the file, key files swapped between two CAs, a corrupted issuer in state,
// replacing a CA while keeping its key_file, import of a file-backed CA and
// of a certificate, and a destroy with one key file gone and a wrong
// passphrase for the other.
func TestAccKeyFileMisuse(t *testing.T) {
	c := newCLIRunSince(t, 0)
	dir := crashDir(t)
	c.mustTofu(dir, "apply", "-input=false", "-auto-approve")
	rootKey, intKey := filepath.Join(dir, "keys", "root.key"), filepath.Join(dir, "keys", "int.key")

	t.Run("readable by others", func(t *testing.T) {
		if err := os.Chmod(intKey, 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(intKey, 0o600)
		out := c.mustTofu(dir, "plan", "-input=false")
		for _, w := range []string{"CA key file is readable by other users", "chmod 600 keys/int.key"} {
			if !strings.Contains(flat(out), w) {
				t.Errorf("plan output lacks %q:\n%s", w, out)
			}
		}
	})

	t.Run("key_file changed without moving the file", func(t *testing.T) {
		writeMain(t, dir, crashMain("Crash Intermediate", "keys/int-moved.key"))
		defer writeMain(t, dir, crashMain("Crash Intermediate", "keys/int.key"))
		expectPlanFails(t, c, dir, "key_file changed from keys/int.key to keys/int-moved.key", "mv keys/int.key keys/int-moved.key")
	})

	t.Run("key files swapped", func(t *testing.T) {
		r, i := readFile(t, rootKey), readFile(t, intKey)
		defer func() {
			os.WriteFile(rootKey, []byte(r), 0o600)
			os.WriteFile(intKey, []byte(i), 0o600)
		}()
		os.WriteFile(rootKey, []byte(i), 0o600)
		os.WriteFile(intKey, []byte(r), 0o600)
		// The root's plan fails first; its dependents are not planned.
		expectPlanFails(t, c, dir, "Key file was swapped for another CA's", `keys/root.key now holds the key of the CA "CN=Crash Intermediate"`, `not of this CA "CN=Crash Root"`)
	})

	t.Run("corrupted issuer in state", func(t *testing.T) {
		statePath := filepath.Join(dir, "terraform.tfstate")
		state := readFile(t, statePath)
		defer os.WriteFile(statePath, []byte(state), 0o600)
		issuer := stateOutputOf(t, state, "crank_ca", "root", "issuer")
		quoted, _ := jsonMarshalString(issuer)
		if !strings.Contains(state, quoted) {
			t.Fatal("cannot find the root's issuer in the state file")
		}
		// Every copy: the intermediate's parent holds the same handle.
		os.WriteFile(statePath, []byte(strings.ReplaceAll(state, quoted, `"{\"v\":1,\"backend\":\"local\",\"cert\":\"AAAA\"}"`)), 0o600)
		expectPlanFails(t, c, dir, "Corrupted crank_ca state", "Restore the state from a backup")
		out, _ := c.tofu(dir, c.env, "plan", "-input=false")
		if strings.Contains(out, "Set issuer to") || strings.Contains(out, "Set parent to") {
			t.Errorf("a state corruption is blamed on the configuration:\n%s", out)
		}
	})

	t.Run("replace keeping key_file", func(t *testing.T) {
		writeMain(t, dir, crashMain("Crash Intermediate G2", "keys/int.key"))
		expectPlanFails(t, c, dir, "Key file already exists and belongs to another CA", `key_file (for example keys/int-2.key)`)
		// The documented path: the replacement gets the next generation's file.
		writeMain(t, dir, crashMain("Crash Intermediate G2", "keys/int-2.key"))
		c.mustTofu(dir, "apply", "-input=false", "-auto-approve")
		if _, err := os.Stat(intKey); !os.IsNotExist(err) {
			t.Errorf("the replaced CA's key file %s was not deleted with it: %v", intKey, err)
		}
		if got, st := keyFingerprint(t, filepath.Join(dir, "keys", "int-2.key")), stateKeyFingerprint(t, dir, "int"); got != st {
			t.Errorf("the replacement's key file holds %s, state names %s", got, st)
		}
		if out, code := c.tofu(dir, c.env, "plan", "-input=false", "-detailed-exitcode"); code != 0 {
			t.Errorf("plan after the replacement is not empty (exit %d):\n%s", code, out)
		}
	})

	t.Run("import", func(t *testing.T) {
		state := readFile(t, filepath.Join(dir, "terraform.tfstate"))
		serial := stateOutputOf(t, state, "crank_certificate", "svc", "serial")
		intFP := stateKeyFingerprint(t, dir, "int")
		svcPEM := stateOutputOf(t, state, "crank_certificate", "svc", "cert_pem")
		if err := os.WriteFile(filepath.Join(dir, "svc.pem"), []byte(svcPEM), 0o600); err != nil {
			t.Fatal(err)
		}
		c.mustTofu(dir, "state", "rm", "crank_ca.int", "crank_certificate.svc")
		out, code := c.tofu(dir, c.env, "import", "-input=false", "crank_ca.int", "keys/int-2.key")
		if code == 0 || !strings.Contains(flat(out), "key_file=<encrypted key file>") {
			t.Errorf("an import ID without key=value should fail and explain the format (exit %d):\n%s", code, out)
		}
		c.mustTofu(dir, "import", "-input=false", "crank_ca.int", "key_file=keys/int-2.key")
		c.mustTofu(dir, "import", "-input=false", "crank_certificate.svc", "cert_pem=svc.pem")
		expectNoReplacement(t, c, dir)
		c.mustTofu(dir, "apply", "-input=false", "-auto-approve")
		if out, code := c.tofu(dir, c.env, "plan", "-input=false", "-detailed-exitcode"); code != 0 {
			t.Errorf("plan after import and apply is not empty (exit %d):\n%s", code, out)
		}
		after := readFile(t, filepath.Join(dir, "terraform.tfstate"))
		if got := stateOutputOf(t, after, "crank_certificate", "svc", "serial"); got != serial {
			t.Errorf("the imported certificate was re-issued: %s -> %s", serial, got)
		}
		if got := stateKeyFingerprint(t, dir, "int"); got != intFP {
			t.Errorf("the imported CA names key %s, want %s", got, intFP)
		}
		if stateOutputOf(t, after, "crank_certificate", "svc", "ca_bundle_pem") != stateOutputOf(t, after, "crank_ca", "root", "cert_pem") {
			t.Error("the imported certificate's ca_bundle_pem is not the root")
		}
	})

	t.Run("destroy with unusable keys", func(t *testing.T) {
		if err := os.Remove(rootKey); err != nil {
			t.Fatal(err)
		}
		env := []string{pki.KeyPassphraseEnv + "=not-the-passphrase"}
		out, code := c.tofu(dir, env, "destroy", "-input=false", "-auto-approve")
		if code != 0 {
			t.Fatalf("destroy with a missing key file and a wrong passphrase failed (exit %d):\n%s", code, out)
		}
		for _, w := range []string{"CA key file already gone", "CA key file left in place", "keys/int-2.key was not deleted"} {
			if !strings.Contains(flat(out), w) {
				t.Errorf("destroy output lacks %q:\n%s", w, out)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "keys", "int-2.key")); err != nil {
			t.Errorf("the key file that could not be decrypted was not left in place: %v", err)
		}
	})
}
