package cap

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestTrustBundleReloadKeepsLastGood(t *testing.T) {
	first, second := newIssuer(t), newIssuer(t)
	path := filepath.Join(t.TempDir(), "clients.pem")
	write(t, path, first.pem())
	trust, err := LoadTrustBundle(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	pool := trust.Pool()
	if changed, err := trust.Reload(); changed || err != nil {
		t.Fatalf("unchanged file: %v %v", changed, err)
	}
	_, leafPEM, _ := first.leaf(t, id("/x"), first.cert.NotAfter)
	write(t, path, leafPEM) // a leaf certificate is not a CA
	if _, err := trust.Reload(); err == nil || !strings.Contains(err.Error(), "not a CA certificate") {
		t.Fatalf("leaf as trust bundle: %v", err)
	}
	if trust.Pool() != pool {
		t.Fatal("a refused file must keep the last good CAs")
	}
	if _, err := trust.Reload(); err != nil {
		t.Fatal("the same refused version must be reported once, not on every poll")
	}
	write(t, path, append(first.pem(), second.pem()...))
	if changed, err := trust.Reload(); !changed || err != nil {
		t.Fatalf("fixed file: %v %v", changed, err)
	}
	if n := len(trust.Certificates()); n != 2 {
		t.Fatalf("%d certificates after reload", n)
	}
	if reloaded, failed := trust.ReloadCounts(); reloaded != 1 || failed != 1 {
		t.Fatalf("reload counts %d ok, %d failed", reloaded, failed)
	}
	if _, err := LoadTrustBundle(filepath.Join(t.TempDir(), "missing.pem"), nil); err == nil {
		t.Fatal("a missing trust bundle must stop the start")
	}
}
