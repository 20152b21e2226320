package pki

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

func issuedPEM(t *testing.T, alg KeyAlgorithm) (certPEM, keyPEM, chainPEM string) {
	t.Helper()
	root := newRoot(t, NameConstraints{}, time.Hour)
	key, err := GenerateKey(alg)
	if err != nil {
		t.Fatal(err)
	}
	req := leafRequest(t, "spiffe://example.org/payments/billing", nil, nil, time.Minute)
	req.PublicKey = key.Public()
	cert, err := IssueLeaf(root, req)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err = EncodePrivateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	return EncodeCertsPEM(cert), keyPEM, EncodeCertsPEM(cert)
}

func TestPKCS12FriendlyNameAndLocalKeyID(t *testing.T) {
	certPEM, keyPEM, chainPEM := issuedPEM(t, ECDSAP256)
	for _, c := range []struct{ name, want string }{{"", "payments/billing"}, {"billing-tls", "billing-tls"}} {
		der, err := EncodePKCS12(certPEM, keyPEM, chainPEM, "s3cret-pass", PKCS12Options{FriendlyName: c.name})
		if err != nil {
			t.Fatal(err)
		}
		// The library's own decoder checks the MAC we recomputed.
		if _, _, _, err := pkcs12.DecodeChain(der, "s3cret-pass"); err != nil {
			t.Fatalf("go-pkcs12 cannot decode: %v", err)
		}
		if _, _, _, err := pkcs12.DecodeChain(der, "wrong"); err == nil {
			t.Fatal("a wrong password decoded the keystore")
		}
		p12 := filepath.Join(t.TempDir(), "ks.p12")
		if err := os.WriteFile(p12, der, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("openssl", "pkcs12", "-info", "-in", p12, "-passin", "pass:s3cret-pass", "-passout", "pass:re-encrypted").CombinedOutput()
		if err != nil {
			t.Fatalf("openssl pkcs12 -info: %v\n%s", err, out)
		}
		// Only the attribute lines: the output also holds the (re-encrypted) key.
		var lines []string
		for _, l := range strings.Split(string(out), "\n") {
			if strings.Contains(l, "friendlyName") || strings.Contains(l, "localKeyID") || strings.HasPrefix(l, "MAC:") || strings.Contains(l, "Bag") {
				lines = append(lines, l)
			}
		}
		info := strings.Join(lines, "\n")
		if !strings.Contains(info, "friendlyName: "+c.want) || strings.Count(info, "localKeyID:") != 2 || !strings.Contains(info, "MAC: sha256") {
			t.Errorf("openssl pkcs12 -info: want friendlyName %q, localKeyID on key and certificate and an SHA-256 MAC:\n%s", c.want, info)
		}
		keytool, err := exec.LookPath("keytool")
		if err != nil {
			t.Fatal("keytool (Debian openjdk-17-jdk-headless) is required to check the alias Java sees")
		}
		out, err = exec.Command(keytool, "-list", "-storetype", "PKCS12", "-keystore", p12, "-storepass", "s3cret-pass").CombinedOutput()
		if err != nil {
			t.Fatalf("keytool -list: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), c.want+", ") || !strings.Contains(string(out), "PrivateKeyEntry") {
			t.Errorf("keytool -list does not show alias %q as a PrivateKeyEntry:\n%s", c.want, out)
		}
	}
}

func TestPKCS12KDFKnownAnswer(t *testing.T) {
	// Cross-checked against go-pkcs12's decoder above; here the derivation
	// must at least depend on every input.
	a := pkcs12KDFSHA256(bmpZeroTerminated("p"), []byte("salt"), 2048, 3, 32)
	for _, b := range [][]byte{
		pkcs12KDFSHA256(bmpZeroTerminated("q"), []byte("salt"), 2048, 3, 32),
		pkcs12KDFSHA256(bmpZeroTerminated("p"), []byte("salu"), 2048, 3, 32),
		pkcs12KDFSHA256(bmpZeroTerminated("p"), []byte("salt"), 2047, 3, 32),
		pkcs12KDFSHA256(bmpZeroTerminated("p"), []byte("salt"), 2048, 1, 32),
	} {
		if string(a) == string(b) {
			t.Fatal("PKCS#12 KDF ignores one of its inputs")
		}
	}
}
