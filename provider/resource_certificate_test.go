package provider

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/crank-platform/terraform-provider-crank/internal/testsupport"
)

const hierarchyConfig = `
provider "crank" {
  trust_domain = "example.org"
}

resource "crank_ca" "root" {
  subject = {
    common_name  = "Crank Test Root"
    organization = "Crank"
  }
}

resource "crank_ca" "intermediate" {
  parent          = crank_ca.root.issuer
  subject         = { common_name = "Crank Test Intermediate" }
  validity        = "8760h"
  name_constraints = {
    permitted_dns_domains = ["svc.internal"]
    permitted_uri_domains = ["example.org"]
    permitted_ip_ranges   = ["127.0.0.0/8"]
  }
  crl_distribution_points = ["http://pki.example.org/crl"]
}

resource "crank_certificate" "billing" {
  issuer       = crank_ca.intermediate.issuer
  service      = "billing"
  dns_names    = ["billing.svc.internal", "localhost.svc.internal"]
  ip_addresses = ["127.0.0.1"]
  lifecycle {
    create_before_destroy = true
  }
}

resource "crank_certificate" "gateway" {
  issuer  = crank_ca.intermediate.issuer
  service = "api-gateway"
  usages  = ["client"]
}
`

// TestAccHierarchy issues a root, a constrained intermediate and two service
// certificates, then checks them with openssl and a real mTLS handshake.
func TestAccHierarchy(t *testing.T) {
	requireAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: hierarchyConfig,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_certificate.billing", "spiffe_id", "spiffe://example.org/billing"),
					resource.TestCheckResourceAttr("crank_certificate.billing", "key_algorithm", "ECDSA_P256"),
					resource.TestCheckResourceAttr("crank_certificate.billing", "renew_before", "30d"),
					resource.TestCheckResourceAttr("crank_certificate.billing", "ready_for_renewal", "false"),
					resource.TestCheckResourceAttr("crank_ca.intermediate", "max_path_length", "0"),
					resource.TestCheckResourceAttr("crank_ca.root", "max_path_length", "-1"),
					resource.TestCheckResourceAttrSet("crank_certificate.billing", "private_key_pem"),
					checkOpenSSL,
					checkMutualTLS,
				),
			},
			// Re-applying the same configuration must plan no change.
			{
				Config:             hierarchyConfig,
				ConfigPlanChecks:   resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				PlanOnly:           false,
				ExpectNonEmptyPlan: false,
			},
		},
	})
}

func pemFiles(s *terraform.State) (map[string]string, error) {
	files := map[string]string{}
	for name, ref := range map[string][2]string{
		"root.pem":          {"crank_ca.root", "cert_pem"},
		"inter.pem":         {"crank_ca.intermediate", "cert_pem"},
		"billing.pem":       {"crank_certificate.billing", "cert_pem"},
		"billing-key.pem":   {"crank_certificate.billing", "private_key_pem"},
		"billing-chain.pem": {"crank_certificate.billing", "chain_pem"},
		"bundle.pem":        {"crank_certificate.billing", "ca_bundle_pem"},
		"gateway.pem":       {"crank_certificate.gateway", "cert_pem"},
		"gateway-key.pem":   {"crank_certificate.gateway", "private_key_pem"},
		"gateway-chain.pem": {"crank_certificate.gateway", "chain_pem"},
	} {
		v, err := stateAttr(s, ref[0], ref[1])
		if err != nil {
			return nil, err
		}
		files[name] = v
	}
	return files, nil
}

// writePEMFiles writes the hierarchy's PEMs into a fresh directory for the
// independent tools to read; the caller removes it.
func writePEMFiles(s *terraform.State) (map[string]string, string, error) {
	files, err := pemFiles(s)
	if err != nil {
		return nil, "", err
	}
	dir, err := os.MkdirTemp("", "crank-pem-")
	if err != nil {
		return nil, "", err
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			os.RemoveAll(dir)
			return nil, "", err
		}
	}
	return files, dir, nil
}

func checkOpenSSL(s *terraform.State) error {
	files, dir, err := writePEMFiles(s)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if files["bundle.pem"] != files["root.pem"] {
		return fmt.Errorf("ca_bundle_pem is not the root certificate")
	}
	for _, leaf := range []string{"billing.pem", "gateway.pem"} {
		out, err := run(dir, "openssl", "verify", "-x509_strict", "-CAfile", "root.pem", "-untrusted", "inter.pem", leaf)
		if err != nil {
			return err
		}
		if !strings.Contains(out, leaf+": OK") {
			return fmt.Errorf("openssl verify %s: %s", leaf, out)
		}
	}
	// The chain output alone (leaf + intermediate) must verify too.
	if _, err := run(dir, "openssl", "verify", "-CAfile", "root.pem", "-untrusted", "billing-chain.pem", "billing.pem"); err != nil {
		return err
	}
	text, err := run(dir, "openssl", "x509", "-noout", "-text", "-in", "billing.pem")
	if err != nil {
		return err
	}
	for _, want := range []string{
		"URI:spiffe://example.org/billing",
		"DNS:billing.svc.internal",
		"IP Address:127.0.0.1",
		"TLS Web Server Authentication",
		"TLS Web Client Authentication",
		"X509v3 Subject Key Identifier",
		"X509v3 Authority Key Identifier",
		"CA:FALSE",
		"Digital Signature",
	} {
		if !strings.Contains(text, want) {
			return fmt.Errorf("openssl x509 -text of billing lacks %q:\n%s", want, text)
		}
	}
	gw, err := run(dir, "openssl", "x509", "-noout", "-text", "-in", "gateway.pem")
	if err != nil {
		return err
	}
	if !strings.Contains(gw, "TLS Web Client Authentication") || strings.Contains(gw, "TLS Web Server Authentication") {
		return fmt.Errorf("gateway should be client-only:\n%s", gw)
	}
	inter, err := run(dir, "openssl", "x509", "-noout", "-text", "-in", "inter.pem")
	if err != nil {
		return err
	}
	for _, want := range []string{"CA:TRUE, pathlen:0", "X509v3 Name Constraints: critical", "Permitted:", "DNS:svc.internal", "URI:example.org", "IP:127.0.0.0/255.0.0.0", "Certificate Sign, CRL Sign", "X509v3 Authority Key Identifier"} {
		if !strings.Contains(inter, want) {
			return fmt.Errorf("openssl x509 -text of the intermediate lacks %q:\n%s", want, inter)
		}
	}
	// The intermediate's CRL URL is where its leaves point (RFC 5280
	// 4.2.1.13); its own certificate carries its parent's, and the root has none.
	if strings.Contains(inter, "http://pki.example.org/crl") {
		return fmt.Errorf("the intermediate's own certificate carries its own CRL URL:\n%s", inter)
	}
	if !strings.Contains(gw, "X509v3 CRL Distribution Points") || !strings.Contains(gw, "URI:http://pki.example.org/crl") {
		return fmt.Errorf("the gateway leaf lacks its issuer's CRL distribution point:\n%s", gw)
	}
	return nil
}

// checkMutualTLS runs a real handshake: openssl s_server requiring a client
// certificate, serving billing's chain; openssl s_client presenting gateway's.
func checkMutualTLS(s *terraform.State) error {
	_, dir, err := writePEMFiles(s)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// The client-only gateway has the default empty subject.
	return opensslMutualTLS(dir, [2]string{"billing.pem", "billing-key.pem"}, [2]string{"gateway.pem", "gateway-key.pem"},
		[]string{"-verify_hostname", "billing.svc.internal"}, "depth=0 \nverify return:1")
}

// opensslMutualTLS serves server (cert, key files in dir) with openssl
// s_server requiring a client certificate, connects with openssl s_client
// presenting client, both with inter.pem as chain and root.pem as trust,
// and checks each side verified the other: the server logs each client
// certificate it verified, and clientSeen is that log line.
func opensslMutualTLS(dir string, server, client [2]string, verifyName []string, clientSeen string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	srv := exec.Command("openssl", "s_server", "-accept", fmt.Sprint(port), "-naccept", "1", "-cert", server[0], "-key", server[1], "-cert_chain", "inter.pem",
		"-CAfile", "root.pem", "-Verify", "2", "-verify_return_error", "-www")
	srv.Dir = dir
	serverOut := &syncBuffer{}
	srv.Stdout, srv.Stderr = serverOut, serverOut
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	if err := waitFor(serverOut, "ACCEPT"); err != nil {
		return fmt.Errorf("%v: %s", err, serverOut.String())
	}
	cli := exec.Command("openssl", append([]string{"s_client", "-connect", fmt.Sprintf("127.0.0.1:%d", port),
		"-cert", client[0], "-key", client[1], "-cert_chain", "inter.pem", "-CAfile", "root.pem", "-verify_return_error"}, verifyName...)...)
	cli.Dir = dir
	cli.Stdin = strings.NewReader("GET / HTTP/1.0\r\n\r\n")
	out, err := cli.CombinedOutput()
	if err != nil {
		return fmt.Errorf("s_client: %v\n%s\nserver: %s", err, out, serverOut.String())
	}
	if !strings.Contains(string(out), "Verify return code: 0 (ok)") {
		return fmt.Errorf("client did not verify the server:\n%s", out)
	}
	if err := waitFor(serverOut, clientSeen); err != nil {
		return fmt.Errorf("server did not see the client certificate:\n%s\nserver: %s", out, serverOut.String())
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer collects a child process's output while tests read it.
type syncBuffer = testsupport.SyncBuffer

// waitFor polls a process's output for its readiness line; probing the port
// would use up s_server's single accept.
func waitFor(out *syncBuffer, marker string) error {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(out.String(), marker) {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("process never printed %q", marker)
}
