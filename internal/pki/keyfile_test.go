package pki

import (
	"crypto/x509/pkix"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

const testPassphrase = "correct-horse-battery-staple"

func testCA(t *testing.T) *Issuer {
	t.Helper()
	key, err := GenerateKey(ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	iss, err := CreateCA(CARequest{Subject: pkix.Name{CommonName: "Record Root"}, NotBefore: now, NotAfter: now.Add(time.Hour), MaxPathLength: -1, Key: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return iss
}

// TestKeyFileRecord: the key file carries the CA certificate after the key,
// readable without the passphrase, and the key still decrypts; a rewrite
// replaces the record atomically and a plain write never overwrites.
func TestKeyFileRecord(t *testing.T) {
	iss := testCA(t)
	p := filepath.Join(t.TempDir(), "ca.key")
	if err := WriteKeyFileRecord(p, iss.Key, testPassphrase, iss.Chain()); err != nil {
		t.Fatal(err)
	}
	recs, err := KeyFileCertificates(p)
	if err != nil || len(recs) != 1 || !recs[0].Equal(iss.Cert) {
		t.Fatalf("record = %v, %v; want the CA certificate", recs, err)
	}
	fp, _ := PublicKeyFingerprint(iss.Cert.PublicKey)
	if _, err := ReadKeyFile(p, testPassphrase, fp); err != nil {
		t.Fatalf("the key no longer reads with a record after it: %v", err)
	}
	if err := WriteKeyFileRecord(p, iss.Key, testPassphrase, nil); err == nil {
		t.Fatal("WriteKeyFileRecord overwrote an existing key file")
	}
	other := testCA(t)
	if err := RewriteKeyFileRecord(p, iss.Key, testPassphrase, other.Chain()); err != nil {
		t.Fatal(err)
	}
	if recs, _ := KeyFileCertificates(p); len(recs) != 1 || !recs[0].Equal(other.Cert) {
		t.Error("the rewrite did not replace the record")
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("rewritten key file mode %v, want 0600", st.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(p), keyTempPrefix+"*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestCleanStaleKeyTemps removes a temporary file nobody holds and keeps
// one a live writer holds locked.
func TestCleanStaleKeyTemps(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, keyTempPrefix+"111")
	live := filepath.Join(dir, keyTempPrefix+"222")
	other := filepath.Join(dir, "unrelated.key")
	for _, p := range []string{stale, live, other} {
		if err := os.WriteFile(p, []byte("key"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(live)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	removed, err := CleanStaleKeyTemps(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0] != stale {
		t.Errorf("removed %v, want only %s", removed, stale)
	}
	for _, p := range []string{live, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
}
