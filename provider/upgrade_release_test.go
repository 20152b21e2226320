package provider

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// previousRelease is the commit whose provider wrote the service name as CN,
// gave RSA client certificates keyEncipherment and wrote a CA's pointers
// into its own certificate (issuer handle version 1, certificate schema 0).
const previousRelease = "6c15f97"

const upgradeConfig = `
terraform {
  required_providers {
    crank = { source = "crank-platform/crank" }
  }
}
provider "crank" {
  trust_domain = "crank.internal"
}
resource "crank_ca" "root" {
  subject = { common_name = "Upgrade Root" }
}
resource "crank_ca" "services" {
  parent                  = crank_ca.root.issuer
  subject                 = { common_name = "Upgrade Services CA" }
  crl_distribution_points = ["http://pki.crank.internal/services.crl"]
  name_constraints = {
    permitted_dns_domains = ["crank.internal"]
    permitted_uri_domains = ["crank.internal"]
  }
}
# No DNS SAN: the previous release wrote CN=billing, which Java and GnuTLS
# check against permitted_dns_domains and reject.
resource "crank_certificate" "billing" {
  issuer  = crank_ca.services.issuer
  service = "billing"
}
# A DNS SAN: nobody reads CN=web, so the certificate is kept until renewal.
resource "crank_certificate" "web" {
  issuer    = crank_ca.services.issuer
  service   = "web"
  dns_names = ["web.crank.internal"]
}
`

// buildPreviousRelease builds the provider of previousRelease from git.
func buildPreviousRelease(t *testing.T, plugins string) {
	t.Helper()
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatalf("the upgrade test builds the previous release from git history, and this is no git checkout: %v", err)
	}
	repo := strings.TrimSpace(string(top))
	if out, err := exec.Command("git", "-C", repo, "cat-file", "-e", previousRelease+"^{commit}").CombinedOutput(); err != nil {
		t.Fatalf("commit %s is not in this clone (%v %s); fetch full history (git fetch --unshallow) to run the upgrade test", previousRelease, err, out)
	}
	src := t.TempDir()
	archive := exec.Command("git", "-C", repo, "archive", previousRelease)
	untar := exec.Command("tar", "-x", "-C", src)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	untar.Stdin = pipe
	if err := untar.Start(); err != nil {
		t.Fatal(err)
	}
	var archiveErr strings.Builder
	archive.Stderr = &archiveErr
	if err := archive.Run(); err != nil {
		t.Fatalf("git archive %s: %v %s", previousRelease, err, archiveErr.String())
	}
	if err := untar.Wait(); err != nil {
		t.Fatalf("unpacking %s: %v", previousRelease, err)
	}
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-crank"), ".")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider of %s: %v\n%s", previousRelease, err, out)
	}
}

// TestUpgradeFromPreviousRelease applies with the provider of the previous
// release and plans with this one, which must do what the interop guide
// says: replace the certificate whose CN Java and GnuTLS reject, with a
// warning, keep the others and the CAs, and then have leaves of the old CA
// carry the CRL distribution point configured on it.
func TestUpgradeFromPreviousRelease(t *testing.T) {
	current := newCLIRun(t)
	previous := *current
	plugins := filepath.Join(t.TempDir(), "plugins")
	buildPreviousRelease(t, plugins)
	previous.rc = devOverridesRC(t, plugins)
	dir := writeFiles(t, map[string]string{"main.tf": upgradeConfig})
	previous.mustTofu(dir, "apply", "-input=false", "-auto-approve")
	oldWeb := stateOutputOf(t, readFile(t, filepath.Join(dir, "terraform.tfstate")), "crank_certificate", "web", "serial")

	planOut := current.mustTofu(dir, "plan", "-input=false", "-out=tfplan")
	if !strings.Contains(planOut, "Certificate will be re-issued: its subject would be rejected") || !strings.Contains(planOut, "Java") || !strings.Contains(planOut, "GnuTLS") {
		t.Errorf("the plan does not warn why billing is re-issued:\n%s", planOut)
	}
	var plan struct {
		ResourceChanges []struct {
			Address string
			Change  struct{ Actions []string }
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(current.mustTofu(dir, "show", "-json", "tfplan")), &plan); err != nil {
		t.Fatal(err)
	}
	actions := map[string]string{}
	for _, rc := range plan.ResourceChanges {
		actions[rc.Address] = strings.Join(rc.Change.Actions, ",")
	}
	want := map[string]string{
		"crank_ca.root":             "no-op",
		"crank_ca.services":         "no-op",
		"crank_certificate.web":     "no-op",
		"crank_certificate.billing": "delete,create",
	}
	for addr, a := range want {
		if got := actions[addr]; got != a && !(a == "delete,create" && got == "create,delete") {
			t.Errorf("%s: planned %q, want %q (all: %v)", addr, got, a, actions)
		}
	}
	current.mustTofu(dir, "apply", "-input=false", "tfplan")
	if out, code := current.tofu(dir, current.env, "plan", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Errorf("plan after the upgrade apply is not empty (exit %d):\n%s", code, out)
	}
	state := readFile(t, filepath.Join(dir, "terraform.tfstate"))
	if got := stateOutputOf(t, state, "crank_certificate", "web", "serial"); got != oldWeb {
		t.Errorf("web was re-issued (%s -> %s); it should be kept until renewal", oldWeb, got)
	}
	billing, err := parseOne(stateOutputOf(t, state, "crank_certificate", "billing", "cert_pem"))
	if err != nil {
		t.Fatal(err)
	}
	if billing.Subject.String() != "" {
		t.Errorf("re-issued billing has subject %q, want the empty default", billing.Subject)
	}
	if len(billing.CRLDistributionPoints) != 1 || billing.CRLDistributionPoints[0] != "http://pki.crank.internal/services.crl" {
		t.Errorf("billing (issued by a CA of the previous release) has CDP %v, want the CA's configured URL", billing.CRLDistributionPoints)
	}
}
