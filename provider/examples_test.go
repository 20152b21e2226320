package provider

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// The documentation examples are fragments: examples/resources/crank_crl
// signs with crank_ca.services, which examples/resources/crank_ca defines.
// TestAccExamples runs each one, together with the examples that define
// what it refers to and a few fixtures for names no example defines,
// through plan, apply and an empty re-plan, so no published example can
// rot. Resources of other providers (aws_*) cannot be installed offline and
// are cut out of the copy; everything of crank's runs.

// exampleFixtures define what examples refer to but no example defines.
var exampleFixtures = map[string]string{
	"crank_ca.intermediate": `resource "crank_ca" "intermediate" {
  parent  = crank_ca.root.issuer
  subject = { common_name = "Example Intermediate CA" }
}`,
	"crank_ca.intermediate_1": `resource "crank_ca" "intermediate_1" {
  parent  = crank_ca.root.issuer
  subject = { common_name = "Example Intermediate CA 1" }
}`,
	"crank_ca.intermediate_2": `resource "crank_ca" "intermediate_2" {
  parent  = crank_ca.root.issuer
  subject = { common_name = "Example Intermediate CA 2" }
}`,
	"crank_certificate.ledger": `resource "crank_certificate" "ledger" {
  issuer  = crank_ca.services.issuer
  service = "ledger"
}`,
	"var.keystore_password": `variable "keystore_password" {
  type      = string
  default   = "example-keystore-password"
  sensitive = true
}`,
}

var (
	exampleRefRe = regexp.MustCompile(`(?:^|[^.:a-z_])((?:crank_[a-z_]+|var)\.[a-z0-9_]+)`)
	exampleDefRe = regexp.MustCompile(`(?m)^(?:resource|data)\s+"(crank_[a-z_]+)"\s+"([a-z0-9_]+)"`)
	foreignRe    = regexp.MustCompile(`(?m)^resource\s+"([a-z0-9]+)_[a-z0-9_]+"\s+"[a-z0-9_]+"\s*\{`)
)

// stripForeign removes top-level resource blocks of providers other than
// crank and terraform.
func stripForeign(src string) string {
	for {
		loc := foreignRe.FindStringSubmatchIndex(src)
		if loc == nil {
			return src
		}
		if p := src[loc[2]:loc[3]]; p == "crank" || p == "terraform" {
			// Not foreign: look further on only.
			rest := stripForeign(src[loc[1]:])
			return src[:loc[1]] + rest
		}
		depth, end := 0, len(src)
		for i := loc[1] - 1; i < len(src); i++ {
			if src[i] == '{' {
				depth++
			} else if src[i] == '}' {
				if depth--; depth == 0 {
					end = i + 1
					break
				}
			}
		}
		src = src[:loc[0]] + "# (a resource of another provider was cut out here)" + src[end:]
	}
}

// exampleClosure returns the files to run example dir with: its own, then
// those of the resource examples and fixtures defining what it refers to.
func exampleClosure(t *testing.T, root, dir string) map[string]string {
	t.Helper()
	library := map[string]string{} // "crank_ca.root" -> example file
	resFiles, _ := filepath.Glob(filepath.Join(root, "resources", "*", "resource.tf"))
	for _, f := range resFiles {
		for _, m := range exampleDefRe.FindAllStringSubmatch(readFile(t, f), -1) {
			library[m[1]+"."+m[2]] = f
		}
	}
	files := map[string]string{}
	own, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	defined := map[string]bool{}
	for _, f := range own {
		for _, m := range exampleDefRe.FindAllStringSubmatch(readFile(t, f), -1) {
			defined[m[1]+"."+m[2]] = true
		}
	}
	// The queue holds example files and fixture names ("fixture:crank_ca.x");
	// fixtures refer to examples too (an intermediate needs its root).
	queue := append([]string(nil), own...)
	seen := map[string]bool{}
	var fixtures []string
	for len(queue) > 0 {
		item := queue[0]
		queue = queue[1:]
		if seen[item] {
			continue
		}
		seen[item] = true
		var src string
		if ref, ok := strings.CutPrefix(item, "fixture:"); ok {
			src = exampleFixtures[ref]
			fixtures = append(fixtures, src)
		} else {
			src = stripForeign(readFile(t, item))
			files[strings.ReplaceAll(strings.TrimPrefix(item, root+"/"), "/", "_")] = src
		}
		for _, m := range exampleRefRe.FindAllStringSubmatch(src, -1) {
			ref := m[1]
			if defined[ref] {
				continue
			}
			if lib, ok := library[ref]; ok {
				queue = append(queue, lib)
			} else if _, ok := exampleFixtures[ref]; ok {
				queue = append(queue, "fixture:"+ref)
			}
		}
	}
	if len(fixtures) > 0 {
		sort.Strings(fixtures)
		files["fixtures.tf"] = strings.Join(fixtures, "\n\n") + "\n"
	}
	if _, ok := files["main.tf"]; !ok && !strings.Contains(strings.Join(valuesOf(files), ""), "required_providers") {
		files["provider.tf"] = readFile(t, filepath.Join(root, "provider", "provider.tf"))
	}
	return files
}

func valuesOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// exampleDataFiles writes the files examples read with file().
func exampleDataFiles(t *testing.T, dir string) {
	t.Helper()
	key, err := pki.GenerateKey(pki.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := pki.EncodePublicKeyPEM(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	id, _ := url.Parse("spiffe://partner.example.net/orders")
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: "orders"}, URIs: []*url.URL{id},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(90 * 24 * time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	_, policyKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	policyDER, err := x509.MarshalPKCS8PrivateKey(policyKey)
	if err != nil {
		t.Fatal(err)
	}
	policyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: policyDER}))
	for name, content := range map[string]string{"reporting.pub.pem": pub, "partner.pem": pki.EncodeCertsPEM(cert), "policy-signing.pem": policyPEM} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
}

func TestAccExamples(t *testing.T) {
	c := newCLIRunSince(t, 0)
	modern := cliSupports(t, c, 11)
	root, err := filepath.Abs("../examples")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, pattern := range []string{"resources/*", "data-sources/*", "ephemeral-resources/*", "functions/*", "provider", "quickstart", "rotation"} {
		m, _ := filepath.Glob(filepath.Join(root, pattern))
		dirs = append(dirs, m...)
	}
	if len(dirs) < 15 {
		t.Fatalf("found only %d example directories under %s", len(dirs), root)
	}
	for _, dir := range dirs {
		name := strings.TrimPrefix(dir, root+"/")
		t.Run(name, func(t *testing.T) {
			if !modern && (strings.HasPrefix(name, "functions/") || strings.HasPrefix(name, "ephemeral-resources/")) {
				t.Skipf("%s: provider functions and ephemeral resources need Terraform 1.8/1.10 or OpenTofu; Terraform 1.5.7 has neither", name)
			}
			c := c.sub(t)
			work := writeFiles(t, exampleClosure(t, root, dir))
			exampleDataFiles(t, work)
			c.mustTofu(work, "plan", "-input=false", "-out=tfplan")
			c.mustTofu(work, "apply", "-input=false", "tfplan")
			if out, code := c.tofu(work, c.env, "plan", "-input=false", "-detailed-exitcode"); code != 0 {
				t.Errorf("plan after apply is not empty (exit %d):\n%s", code, out)
			}
		})
	}
}

// cliSupports reports whether the CLI under test is 1.<minor> or later and
// not HashiCorp Terraform before 1.8 (no provider functions).
func cliSupports(t *testing.T, c *cliRun, minor int) bool {
	t.Helper()
	out, _ := c.tofu(t.TempDir(), nil, "version")
	m := regexp.MustCompile(`v1\.(\d+)\.`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("cannot read the CLI version from %q", out)
	}
	var v int
	for _, ch := range m[1] {
		v = v*10 + int(ch-'0')
	}
	return v >= minor
}

// TestExampleClosure: the CRL example is run with the CA and certificate
// examples it signs with and the ledger fixture; the ephemeral example loses
// its AWS consumer and nothing else.
func TestExampleClosure(t *testing.T) {
	root, _ := filepath.Abs("../examples")
	files := exampleClosure(t, root, filepath.Join(root, "resources", "crank_crl"))
	for _, want := range []string{"resources_crank_crl_resource.tf", "resources_crank_ca_resource.tf", "resources_crank_certificate_resource.tf", "fixtures.tf", "provider.tf"} {
		if _, ok := files[want]; !ok {
			t.Errorf("closure of crank_crl lacks %s: %v", want, keysOf(files))
		}
	}
	if !strings.Contains(files["fixtures.tf"], `"ledger"`) {
		t.Errorf("fixtures lack the ledger certificate:\n%s", files["fixtures.tf"])
	}
	eph := exampleClosure(t, root, filepath.Join(root, "ephemeral-resources", "crank_private_key"))
	src := eph["ephemeral-resources_crank_private_key_ephemeral-resource.tf"]
	if strings.Contains(src, "aws_secretsmanager_secret_version\" ") || !strings.Contains(src, `resource "crank_certificate" "billing"`) {
		t.Errorf("stripping foreign resources went wrong:\n%s", src)
	}
	if _, ok := eph["resources_crank_certificate_resource.tf"]; ok {
		t.Error("the ephemeral example defines crank_certificate.billing itself but pulled the certificate example too")
	}
	q := exampleClosure(t, root, filepath.Join(root, "quickstart"))
	if len(q) != 2 {
		t.Errorf("quickstart is self-contained, got files %v", keysOf(q))
	}
}

func keysOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
