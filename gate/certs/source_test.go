package certs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/certs/certstest"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

func TestLoadPEMSkipsKeysAndKeepsLines(t *testing.T) {
	p := newPKI(t)
	leaf := p.leaf(t, certstest.Days(-1), certstest.Days(90))
	data := append([]byte("# service bundle\n"), leaf.KeyPEM(t)...)
	line := 1 + strings.Count(string(data), "\n")
	data = append(data, certstest.PEM(leaf, p.inter)...)
	path := certstest.Write(t, t.TempDir(), "svc.pem", data)
	in, err := LoadFile(path, FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if in.Kind != KindPEM || len(in.Certs) != 2 || in.Certs[0].Line != line || !in.Certs[0].X509.Equal(leaf.Cert) {
		t.Fatalf("got %+v, want the leaf at line %d", in, line)
	}
}

func TestLoadRejects(t *testing.T) {
	p := newPKI(t)
	dir := t.TempDir()
	good := string(certstest.PEM(p.root))
	broken := good[:len(good)-40] + "!!!!\n-----END CERTIFICATE-----\n"
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, MaxFileBytes+1)
	cases := map[string]string{
		certstest.Write(t, dir, "key.pem", p.root.KeyPEM(t)):                  "no CERTIFICATE block",
		certstest.Write(t, dir, "garbage", []byte("hello, world\n")):          "neither PEM, a DER certificate nor PKCS#12",
		certstest.Write(t, dir, "asn1", []byte{0x30, 0x03, 0x02, 0x01, 0x01}): "neither a DER certificate nor a PKCS#12",
		certstest.Write(t, dir, "broken.pem", []byte(good+"\n"+broken)):       "block at line",
		certstest.Write(t, dir, "big.pem", big):                               "over the limit",
		filepath.Join(dir, "fifo"):                                            "not a regular file",
		"/dev/zero":                                                           "not a regular file",
		filepath.Join(dir, "missing.pem"):                                     "no such file",
		certstest.Write(t, dir, "badder.pem", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")): "cannot be parsed",
	}
	for path, want := range cases {
		_, err := LoadFile(path, FileOptions{})
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an InputError with %q", filepath.Base(path), err, want)
		}
	}
}

func TestLoadDERAndPKCS12(t *testing.T) {
	p := newPKI(t)
	leaf := p.leaf(t, certstest.Days(-1), certstest.Days(90))
	dir := t.TempDir()
	der := certstest.Write(t, dir, "leaf.der", leaf.Cert.Raw)
	if in, err := LoadFile(der, FileOptions{}); err != nil || in.Kind != KindDER || !in.Certs[0].X509.Equal(leaf.Cert) {
		t.Errorf("DER: %+v %v", in, err)
	}
	p12, err := pki.EncodePKCS12(string(certstest.PEM(leaf)), string(leaf.KeyPEM(t)), string(certstest.PEM(p.inter, p.root)), "s3cret-pass", pki.PKCS12Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := certstest.Write(t, dir, "svc.p12", p12)
	in, err := LoadFile(path, FileOptions{PKCS12Password: "s3cret-pass"})
	if err != nil || in.Kind != KindPKCS12 || len(in.Certs) != 3 || !in.Certs[in.Leaf].X509.Equal(leaf.Cert) {
		t.Fatalf("PKCS#12: %+v %v", in, err)
	}
	_, err = LoadFile(path, FileOptions{PKCS12Password: "wrong", PasswordHint: "$P12"})
	if !errors.Is(err, ErrPKCS12Password) || !strings.Contains(err.Error(), "from $P12 does not open") || strings.Contains(err.Error(), "wrong") {
		t.Errorf("wrong password: %v", err)
	}
	if _, err = LoadFile(path, FileOptions{}); !errors.Is(err, ErrPKCS12Password) || !strings.Contains(err.Error(), "--p12-password-env") {
		t.Errorf("no password: %v", err)
	}
}

func TestParseTarget(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	certstest.Write(t, dir, "db:5432", []byte("x"))
	cases := []struct {
		arg, path, name, err string
	}{
		{"cert.pem", "cert.pem", "", ""},
		{"./db:5432", "./db:5432", "", ""},
		{"db:5432", "", "", "both a file and a HOST:PORT"},
		{"tls://db:5432", "", "tls://db:5432", ""},
		{"127.0.0.1:8443", "", "tls://127.0.0.1:8443", ""},
		{"[::1]:8443", "", "tls://[::1]:8443", ""},
		{"https://example.org", "", "https://example.org", ""},
		{"https://example.org:8443/health", "", "https://example.org:8443/health", ""},
		{"http://example.org", "", "", "only https:// and tls://"},
		{"tls://example.org", "", "", "tls://HOST:PORT"},
		{"host:99999", "host:99999", "", ""},
	}
	for _, c := range cases {
		tg, err := ParseTarget(c.arg)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: %v, want %q", c.arg, err, c.err)
			}
			continue
		}
		if err != nil || tg.Path != c.path || tg.Name != c.name {
			t.Errorf("%s: %+v %v", c.arg, tg, err)
		}
	}
}
